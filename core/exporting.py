"""Exports of the data-dictionary tables, shared by `export_data` and the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.scope import can_see_path

from .formats import CSV, XLSX
from .registry import get_kind

FORMATS = {"xlsx": XLSX, "csv": CSV}


def export_queryset(kind_name: str, *, user: Any = None, org: Organization | None = None):
    """Rows of `kind_name` that `user` may read (None: everything), limited to `org`'s
    subtree when given."""
    kind = get_kind(kind_name)
    model = kind.resource._meta.model
    qs = model._default_manager.all()
    if user is not None:
        qs = qs.visible_to(user)
    if org is not None:
        if user is not None and not can_see_path(user, org.path):
            raise PermissionDenied(_("组织“%(code)s”不在您的管辖范围内。") % {"code": org.code})
        qs = qs.filter(**{f"{kind.org_prefix}path__startswith": org.path})
    return qs


def export_file(
    kind_name: str, fmt: str, *, user: Any = None, org: Organization | None = None
) -> tuple[bytes, int]:
    """The export file's content and its number of data rows."""
    kind = get_kind(kind_name)
    resource = kind.resource(user=user)
    dataset = resource.export(queryset=export_queryset(kind_name, user=user, org=org))
    content = FORMATS[fmt]().export_data(dataset)
    if isinstance(content, str):
        content = content.encode("utf-8")
    return content, len(dataset)
