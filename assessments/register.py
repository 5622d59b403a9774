"""The weak-and-lax (软弱涣散) register: services (writes) and selectors (reads).

An entry records one organisation's rectification in one year: 整顿中 → 已销号 → 回头看.
A failed follow-up check (回头看) reopens the entry (整顿中 again).

The organisation's `is_weak_and_lax` flag follows the register and nothing else: every
service below ends with `sync_flag()` in the same transaction, so the flag is set exactly
while an entry of the organisation is in FLAGGED_STATUSES. The organisation form, admin
and import do not write it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.cell_escaping import escape_cell
from core.history import FieldChange, HistoryEntry
from orgs.models import Organization
from orgs.scope import can_edit_path

from .choices import FLAGGED_STATUSES, WeakLaxSituation, WeakLaxStatus
from .models import WeakLaxEntry

FIRST_YEAR = 2000  # as the model's validator
RESPONSIBLE_MAX = 30  # WeakLaxEntry.responsible_person

# Messages for a missing value, shared with the page forms so that both say the same.
REQUIRED = {
    "organization": _lazy("请选择党组织。"),
    "year": _lazy("请填写年度。"),
    "situations": _lazy("请至少选择一种存在情形。"),
    "measures": _lazy("请填写整顿措施。"),
    "responsible_person": _lazy("请填写责任人。"),
    "deadline": _lazy("请填写整顿期限。"),
    "on": _lazy("请填写日期。"),
    "note": _lazy("请填写销号说明（整改成效）。"),
    "result": _lazy("请填写回头看结果。"),
    "passed": _lazy("请选择回头看结论。"),
}


def status_label(status: str) -> str:
    return str(WeakLaxStatus(status).label)


def situation_labels(codes: list[str]) -> list[str]:
    return [str(WeakLaxSituation(code).label) for code in codes if code in WeakLaxSituation.values]


def registered_on(entry: WeakLaxEntry) -> datetime.date:
    """The day the entry was registered (its creation, in local time)."""
    return timezone.localdate(entry.created_at)


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


# --- validation --------------------------------------------------------------------------
def clean_situations(situations: Any) -> list[str]:
    """The codes in the vocabulary's order, each once."""
    chosen = set(situations or [])
    return [code for code in WeakLaxSituation.values if code in chosen]


def entry_errors(
    *,
    organization: Organization | None,
    year: int | None,
    situations: list[str],
    measures: str,
    responsible_person: str,
    deadline: datetime.date | None,
    entry: WeakLaxEntry | None = None,
) -> dict[str, list[str]]:
    """What is wrong with these values for a new entry (`entry` None) or for `entry`."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: Any) -> None:
        errors.setdefault(field, []).append(str(message))

    today = timezone.localdate()
    if organization is None:
        add("organization", REQUIRED["organization"])
    if year is None:
        add("year", REQUIRED["year"])
    elif not FIRST_YEAR <= year <= today.year:
        add(
            "year",
            _("年度须在 %(first)d 年至今年（%(this)d 年）之间。")
            % {"first": FIRST_YEAR, "this": today.year},
        )
    unknown = [code for code in situations or [] if code not in WeakLaxSituation.values]
    if unknown:
        add("situations", _("存在情形“%(codes)s”不是标准情形。") % {"codes": "、".join(unknown)})
    elif not situations:
        add("situations", REQUIRED["situations"])
    if not (measures or "").strip():
        add("measures", REQUIRED["measures"])
    person = (responsible_person or "").strip()
    if not person:
        add("responsible_person", REQUIRED["responsible_person"])
    elif len(person) > RESPONSIBLE_MAX:
        add("responsible_person", _("责任人不能超过 %(n)d 个字。") % {"n": RESPONSIBLE_MAX})
    registered = registered_on(entry) if entry is not None else today
    if deadline is None:
        add("deadline", REQUIRED["deadline"])
    elif deadline < registered:
        add(
            "deadline",
            _("整顿期限不能早于登记日期 %(day)s。") % {"day": registered.isoformat()},
        )
    if organization is not None and year is not None and "year" not in errors:
        others = WeakLaxEntry.objects.filter(organization=organization, year=year)
        if entry is not None:
            others = others.exclude(pk=entry.pk)
        if others.exists():
            add("year", _duplicate_message(organization, year))
    return errors


def _duplicate_message(organization: Organization, year: int) -> str:
    return _("“%(org)s”%(year)d 年已有整顿台账，请在原台账中修改。") % {
        "org": organization.name,
        "year": year,
    }


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
                {"year": [_duplicate_message(entry.organization, entry.year)]}
            ) from exc
        raise


def _date_errors(
    field: str, on: datetime.date | None, *, earliest: datetime.date, earliest_label: str
) -> dict[str, list[str]]:
    if on is None:
        return {field: [str(REQUIRED["on"])]}
    if on > timezone.localdate():
        return {field: [_("日期不能晚于今天。")]}
    if on < earliest:
        return {
            field: [
                _("日期不能早于%(what)s %(day)s。")
                % {"what": earliest_label, "day": earliest.isoformat()}
            ]
        }
    return {}


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
        raise ValidationError({"year": [_duplicate_message(entry.organization, year)]}) from exc
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
    errors = _date_errors("on", on, earliest=earliest, earliest_label=label)
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
    errors = _date_errors("on", on, earliest=entry.closed_on, earliest_label=_("销号日期"))
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


# --- selectors ---------------------------------------------------------------------------
OVERDUE = "overdue"  # a filter value beside the statuses: 整顿中 past its deadline


def overdue_q(today: datetime.date) -> Q:
    return Q(status=WeakLaxStatus.RECTIFYING, deadline__lt=today)


def filter_register(
    entries: QuerySet,
    *,
    year: int | None = None,
    status: str = "",
    org_path: str = "",
    today: datetime.date | None = None,
) -> QuerySet:
    """Narrow (already scoped) entries; `status` may also be OVERDUE."""
    if year:
        entries = entries.filter(year=year)
    if org_path:
        entries = entries.filter(organization__path__startswith=org_path)
    if status == OVERDUE:
        entries = entries.filter(overdue_q(today or timezone.localdate()))
    elif status:
        entries = entries.filter(status=status)
    return entries


def register_for(org: Organization, year: int | None = None) -> QuerySet:
    """The entries of `org`'s subtree (of `year`), with their organisation, newest year
    first and in tree order. The caller has checked that the user may see `org`."""
    return (
        filter_register(WeakLaxEntry.objects.all(), year=year, org_path=org.path)
        .select_related("organization")
        .order_by("-year", "organization__path")
    )


@dataclass(frozen=True)
class RegisterSummary:
    total: int
    rectifying: int
    closed: int
    reviewed: int
    overdue: int

    @property
    def flagged(self) -> int:
        return self.rectifying


def summary_of(entries: QuerySet, today: datetime.date | None = None) -> RegisterSummary:
    """Counts by status and the overdue ones, in one query."""
    today = today or timezone.localdate()
    row = entries.order_by().aggregate(
        total=Count("pk"),
        rectifying=Count("pk", filter=Q(status=WeakLaxStatus.RECTIFYING)),
        closed=Count("pk", filter=Q(status=WeakLaxStatus.CLOSED)),
        reviewed=Count("pk", filter=Q(status=WeakLaxStatus.REVIEW)),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    return RegisterSummary(**row)


def register_summary(
    org: Organization, year: int | None = None, today: datetime.date | None = None
) -> RegisterSummary:
    return summary_of(register_for(org, year), today)


def register_years(entries: QuerySet) -> list[int]:
    """The years that have entries, newest first, and this year."""
    years = set(entries.order_by().values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def is_overdue(entry: WeakLaxEntry, today: datetime.date | None = None) -> bool:
    return entry.status == WeakLaxStatus.RECTIFYING and entry.deadline < (
        today or timezone.localdate()
    )


# --- history -----------------------------------------------------------------------------
HISTORY_LIMIT = 30


def _display(field_name: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if field_name == "situations":
        return "、".join(situation_labels(value))
    field = WeakLaxEntry._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# Bookkeeping columns whose change says nothing to the reader.
HIDDEN_CHANGES = {"created_by", "organization", "created_at"}


def entry_history(
    *, entry: WeakLaxEntry, limit: int = HISTORY_LIMIT
) -> tuple[list[HistoryEntry], bool]:
    """The newest `limit` history records of `entry`, each with the fields it changed,
    and whether older ones exist (one query)."""
    records = list(
        entry.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    order = {f.name: i for i, f in enumerate(WeakLaxEntry._meta.fields)}
    entries = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, excluded_fields=list(HIDDEN_CHANGES))
            for change in sorted(delta.changes, key=lambda c: order.get(c.field, 0)):
                changes.append(
                    FieldChange(
                        label=str(WeakLaxEntry._meta.get_field(change.field).verbose_name),
                        old=_display(change.field, change.old),
                        new=_display(change.field, change.new),
                    )
                )
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                user=newer.history_user,
                action=newer.get_history_type_display(),
                reason=newer.history_change_reason or "",
                changes=changes,
            )
        )
    return entries, len(records) > limit


# --- export ------------------------------------------------------------------------------
EXPORT_HEADERS = (
    "年度",
    "组织代码",
    "组织名称",
    "存在情形",
    "整顿措施",
    "责任人",
    "整顿期限",
    "状态",
    "是否逾期",
    "销号日期",
    "回头看日期",
    "回头看结果",
    "登记时间",
)
# A spreadsheet runs a cell beginning with =, +, -, @ as a formula (CSV injection); the
# portal's formats escape every exported cell, this is the same function for rows built here.
safe_cell = escape_cell


def export_rows(entries: QuerySet, today: datetime.date | None = None) -> list[list[Any]]:
    """The list's rows for a file, cells that a spreadsheet would run made inert."""
    today = today or timezone.localdate()
    rows = []
    for entry in entries.select_related("organization"):
        rows.append(
            [
                safe_cell(value)
                for value in (
                    entry.year,
                    entry.organization.code,
                    entry.organization.name,
                    "、".join(situation_labels(entry.situations)),
                    entry.measures,
                    entry.responsible_person,
                    entry.deadline.isoformat(),
                    status_label(entry.status),
                    _("是") if is_overdue(entry, today) else _("否"),
                    entry.closed_on.isoformat() if entry.closed_on else "",
                    entry.review_on.isoformat() if entry.review_on else "",
                    entry.review_result,
                    timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                )
            ]
        )
    return rows
