"""Writes to the organisation tree. The admin, the importer and the tests all use these."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Organization


@transaction.atomic
def place_organization(
    org: Organization, parent: Organization | None, *, created: bool
) -> Organization:
    """Insert a new organisation under `parent` (None: as a root) or save an existing one,
    moving it when its parent changed."""
    if created:
        if parent is None:
            return Organization.objects.add_root(instance=org)
        return Organization.objects.add_child(parent, instance=org)
    org.save()
    if parent is not None and parent.path != org.parent_path:
        move_organization(org, parent, user=getattr(org, "_history_user", None))
    return org


@transaction.atomic
def move_organization(org: Organization, parent: Organization, *, user=None) -> Organization:
    """Move `org` and its subtree under `parent` after checking level order and cycles."""
    org.validate_parent(parent)
    Organization.objects.move(org, parent, "sorted-child")
    org.refresh_from_db()
    # treebeard moves with queryset updates; save once so that history records the move.
    org._history_user = user
    org._change_reason = _("调整上级组织为 %(parent)s") % {"parent": parent}
    org.save()
    return org
