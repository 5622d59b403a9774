"""The weak-and-lax register's writes: registering, correcting, closing (销号), the
follow-up check (回头看) and deleting an entry (their checks: register.validation).

A failed follow-up check reopens the entry (整顿中 again). The organisation's
`is_weak_and_lax` flag follows the register and nothing else: every service below ends
with `sync_flag()` in the same transaction, so the flag is set exactly while an entry of
the organisation is in FLAGGED_STATUSES. The organisation form, admin and import do not
write it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.scope import can_edit_path

from ..choices import FLAGGED_STATUSES, WeakLaxStatus
from ..models import WeakLaxEntry
from .selectors import registered_on, status_label
from .validation import (
    REQUIRED,
    clean_situations,
    date_errors,
    duplicate_message,
    entry_errors,
)


# --- the flag ----------------------------------------------------------------------------
def sync_flag(organization: Organization, *, user: Any = None, reason: str = "") -> bool:
    """Set `organization.is_weak_and_lax` from the register; True if it changed.

    Saves only that field (and the update time), never the tree fields, with history
    naming the acting user and the register action that caused it."""
    flagged = WeakLaxEntry.objects.filter(
        organization=organization, status__in=FLAGGED_STATUSES
    ).exists()
    current = Organization.objects.filter(pk=organization.pk).values_list(
        "is_weak_and_lax", flat=True
    )[0]
    organization.is_weak_and_lax = flagged
    if current == flagged:
        return False
    organization._history_user = user
    organization._change_reason = reason or _("软弱涣散整顿台账")
    organization.save(update_fields=["is_weak_and_lax", "updated_at"])
    return True


def _lock_organization(organization: Organization) -> Organization:
    """The organisation row as stored, locked: register changes of one organisation run one after
    another, so two of them cannot each compute the flag from a stale view."""
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _check_write(user: Any, organization: Organization) -> None:
    # No user is the deployer (commands, demo data), as in the import resources.
    if user is not None and not can_edit_path(user, organization.path):
        raise PermissionDenied(_("您没有修改该组织整顿台账的权限。"))


def _reason(action: str) -> str:
    return _("软弱涣散整顿台账：%(action)s") % {"action": action}


def _save_new(entry: WeakLaxEntry) -> None:
    """Save, turning a duplicate that slipped past the check (two users at once) into the
    same friendly message."""
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        if WeakLaxEntry.objects.filter(
            organization_id=entry.organization_id, year=entry.year
        ).exists():
            raise ValidationError(
                {"year": [duplicate_message(entry.organization, entry.year)]}
            ) from exc
        raise


# --- services ----------------------------------------------------------------------------
@transaction.atomic
def entry_create(
    *,
    user: Any,
    organization: Organization,
    year: int,
    situations: list[str],
    measures: str,
    responsible_person: str,
    deadline: datetime.date,
) -> WeakLaxEntry:
    """Register an organisation as weak and lax for `year`; the organisation is flagged."""
    organization = _lock_organization(organization)
    _check_write(user, organization)
    situations = list(situations or [])
    errors = entry_errors(
        organization=organization,
        year=year,
        situations=situations,
        measures=measures,
        responsible_person=responsible_person,
        deadline=deadline,
    )
    if errors:
        raise ValidationError(errors)
    entry = WeakLaxEntry(
        organization=organization,
        year=year,
        situations=clean_situations(situations),
        measures=measures.strip(),
        responsible_person=responsible_person.strip(),
        deadline=deadline,
        status=WeakLaxStatus.RECTIFYING,
        created_by=user,
    )
    entry._history_user = user
    entry._change_reason = _("登记")
    _save_new(entry)
    sync_flag(organization, user=user, reason=_reason(_("登记")))
    return entry


def _locked_entry(user: Any, entry: WeakLaxEntry) -> WeakLaxEntry:
    """The entry as stored now, locked with its organisation. Never the caller's copy,
    which may be stale or restored from history with another status."""
    # An entry never changes its organisation, so the caller's organization_id holds.
    organization = Organization.objects.select_for_update().get(pk=entry.organization_id)
    _check_write(user, organization)
    fresh = WeakLaxEntry.objects.select_for_update().get(pk=entry.pk)
    fresh.organization = organization
    return fresh


@transaction.atomic
def entry_update(
    *,
    user: Any,
    entry: WeakLaxEntry,
    year: int,
    situations: list[str],
    measures: str,
    responsible_person: str,
    deadline: datetime.date,
) -> WeakLaxEntry:
    """Correct an entry's facts; its status moves only by closing and reviewing."""
    entry = _locked_entry(user, entry)
    situations = list(situations or [])
    errors = entry_errors(
        organization=entry.organization,
        year=year,
        situations=situations,
        measures=measures,
        responsible_person=responsible_person,
        deadline=deadline,
        entry=entry,
    )
    if errors:
        raise ValidationError(errors)
    entry.year = year
    entry.situations = clean_situations(situations)
    entry.measures = measures.strip()
    entry.responsible_person = responsible_person.strip()
    entry.deadline = deadline
    entry._history_user = user
    entry._change_reason = _("修改")
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise ValidationError({"year": [duplicate_message(entry.organization, year)]}) from exc
    sync_flag(entry.organization, user=user, reason=_reason(_("修改")))
    return entry


@transaction.atomic
def entry_close(*, user: Any, entry: WeakLaxEntry, on: datetime.date, note: str) -> WeakLaxEntry:
    """销号: the rectification is done; the organisation is no longer flagged (unless
    another entry of it is still open)."""
    entry = _locked_entry(user, entry)
    if entry.status != WeakLaxStatus.RECTIFYING:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("只有“整顿中”的台账可以销号（当前：%(s)s）。")
                    % {"s": status_label(entry.status)}
                ]
            }
        )
    earliest, label = registered_on(entry), _("登记日期")
    if entry.review_on and entry.review_on > earliest:
        earliest, label = entry.review_on, _("上次回头看日期")
    errors = date_errors("on", on, earliest=earliest, earliest_label=label)
    if not (note or "").strip():
        errors["note"] = [str(REQUIRED["note"])]
    if errors:
        raise ValidationError(errors)
    entry.status = WeakLaxStatus.CLOSED
    entry.closed_on = on
    entry._history_user = user
    # The close note has no column of its own: the history keeps it with the change.
    entry._change_reason = _("销号：%(note)s") % {"note": note.strip()}
    entry.save()
    sync_flag(entry.organization, user=user, reason=_reason(_("销号")))
    return entry


@transaction.atomic
def entry_review(
    *,
    user: Any,
    entry: WeakLaxEntry,
    on: datetime.date,
    result: str,
    passed: bool | None,
) -> WeakLaxEntry:
    """回头看 after closing: passed → 回头看 (stays unflagged); failed → 整顿中 again,
    and the organisation is flagged again."""
    entry = _locked_entry(user, entry)
    if entry.status not in (WeakLaxStatus.CLOSED, WeakLaxStatus.REVIEW):
        raise ValidationError({NON_FIELD_ERRORS: [_("销号后才能回头看。")]})
    errors = date_errors("on", on, earliest=entry.closed_on, earliest_label=_("销号日期"))
    if not (result or "").strip():
        errors["result"] = [str(REQUIRED["result"])]
    if passed is None:
        errors["passed"] = [str(REQUIRED["passed"])]
    if errors:
        raise ValidationError(errors)
    entry.review_on = on
    entry.review_result = result.strip()
    entry._history_user = user
    if passed:
        entry.status = WeakLaxStatus.REVIEW
        entry._change_reason = _("回头看：通过")
        action = _("回头看通过")
    else:
        # Reopened: no longer closed; the history keeps the earlier close date.
        entry.status = WeakLaxStatus.RECTIFYING
        entry.closed_on = None
        entry._change_reason = _("回头看：未通过，重新整顿")
        action = _("回头看未通过，重新整顿")
    entry.save()
    sync_flag(entry.organization, user=user, reason=_reason(action))
    return entry


@transaction.atomic
def entry_delete(*, user: Any, entry: WeakLaxEntry) -> None:
    """Remove an entry registered by mistake; the flag follows what remains."""
    entry = _locked_entry(user, entry)
    organization = entry.organization
    entry._history_user = user
    entry._change_reason = _("删除")
    entry.delete()
    sync_flag(organization, user=user, reason=_reason(_("删除台账")))
