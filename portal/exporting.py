"""Exports of the data-dictionary tables, shared by `export_data` and the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tablib
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.downloads import download_response
from core.formats import CSV, XLSX
from core.registry import Kind, get_kind
from orgs.models import Organization
from orgs.scope import can_see_path, subtree_q

from .models import ExportChannel, ExportLog

FORMATS = {"xlsx": XLSX, "csv": CSV}


def export_queryset(
    kind_name: str,
    *,
    user: Any = None,
    org: Organization | None = None,
    narrow: Callable[[Any], Any] | None = None,
):
    """Rows of `kind_name` that `user` may read (None: everything), limited to `org`'s
    subtree when given; `narrow` may add a page's filters to the scoped queryset."""
    kind = get_kind(kind_name)
    model = kind.resource._meta.model
    qs = model._default_manager.all()
    if user is not None:
        qs = qs.visible_to(user)
    if org is not None:
        if user is not None and not can_see_path(user, org.path):
            raise PermissionDenied(_("组织“%(code)s”不在您的管辖范围内。") % {"code": org.code})
        qs = qs.filter(subtree_q(org, kind.org_prefix))
    if narrow is not None:
        qs = narrow(qs)  # applied to the scoped queryset: it can only take rows away
    return qs


def export_file(
    kind_name: str,
    fmt: str,
    *,
    user: Any = None,
    org: Organization | None = None,
    unmasked: bool = False,
    channel: str = ExportChannel.COMMAND,
    narrow: Callable[[Any], Any] | None = None,
    conditions: str = "",
) -> tuple[bytes, int]:
    """The export file's content and its number of data rows.

    Personal data (Kind.personal) is masked unless `user` holds the full-view permission,
    or, without a user, the deployer asked for `unmasked`; every such export is logged.
    """
    kind = get_kind(kind_name)
    options = {"unmasked": unmasked} if kind.personal else {}
    resource = kind.resource(user=user, **options)
    queryset = export_queryset(kind_name, user=user, org=org, narrow=narrow)
    dataset = resource.export(queryset=queryset)
    content = dataset_bytes(dataset, fmt)
    if kind.personal:
        log_export(
            kind,
            user=user,
            org=org,
            rows=len(dataset),
            unmasked=getattr(resource, "unmasked", False),
            channel=channel,
            fmt=fmt,
            conditions=conditions,
        )
    return content, len(dataset)


def log_export(
    kind: Kind,
    *,
    user: Any,
    org: Organization | None,
    rows: int,
    unmasked: bool,
    channel: str,
    fmt: str,
    conditions: str = "",
) -> ExportLog:
    """Record an export of personal data (who, when, which scope, how many rows)."""
    if org is not None:
        label = f"{org.name}（{org.code}）及下级"
    elif user is not None and not user.is_superuser:
        label = (
            _("本人管辖范围")
            + "："
            + "、".join(user.assignments.values_list("organization__name", flat=True))
        )
    else:
        label = _("全部")
    if conditions:
        label = f"{label}；{conditions}"
    return ExportLog.objects.create(
        user=user,
        kind=kind.name,
        organization=org,
        scope_label=label[:200],
        rows=rows,
        unmasked=unmasked,
        channel=channel,
        file_format=fmt,
    )


def dataset_bytes(dataset: tablib.Dataset, fmt: str) -> bytes:
    """`dataset` as a file in `fmt` (a key of FORMATS, checked by the caller): a BOM for
    Excel's CSV, illegal characters dropped, formulas escaped (core/formats.py)."""
    content = FORMATS[fmt]().export_data(dataset)
    return content.encode("utf-8") if isinstance(content, str) else content


def dataset_download(dataset: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """`dataset` handed to the user as a file named `filename`: a page's own table (health
    findings, the register, standards, reviews, the key figures)."""
    return download_response(dataset_bytes(dataset, fmt), filename)
