"""Party dues (党费): the rate rules, the branch's monthly sheet, arrears and the six-month flag.

The portal, the admin and the importer all compute a month's figures through
`figures_for()`, so that the amount due is never typed by anyone: it follows from the
member's basis, the base and the configured brackets (DuesBracket, seeded from DOMAIN.md).
Arrears and the six-month rule are *flags*: nothing here changes a member's status.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from orgs.models import Organization
from orgs.scope import can_edit_path

from ..choices import Job
from ..models import DuesBasis, DuesBracket, DuesRecord, Member

CENT = Decimal("0.01")
ZERO = Decimal("0")
#: the record fields a sheet row or an import row sets (besides member and month)
FIGURE_FIELDS = ("basis", "base", "rate", "amount_due", "amount_paid", "paid_on")

FIELD_LABELS = {
    "base": "缴费基数（元）",
    "amount_paid": "实缴金额（元）",
    "paid_on": "缴纳日期",
    "month": "月份",
    "member": "党员",
}


# --- months ---------------------------------------------------------------------------
def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + (month.month - 1) + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> int:
    """How many months from `first` to `last`, both included (0 if last < first)."""
    count = (last.year - first.year) * 12 + (last.month - first.month) + 1
    return max(count, 0)


# --- rates ----------------------------------------------------------------------------
def basis_for(member: Member) -> DuesBasis:
    """Which table of DOMAIN.md applies: pensioners and farmers have their own; students
    and members in hardship pay the minimum; everyone else pays on their salary."""
    if member.job == Job.RETIRED:
        return DuesBasis.RETIRED
    if member.job == Job.FARMER:
        return DuesBasis.FARMER
    if member.job == Job.STUDENT or member.is_in_hardship:
        return DuesBasis.MINIMUM
    return DuesBasis.SALARY


def load_brackets() -> list[DuesBracket]:
    """Every configured bracket (one query); pass the list on to avoid one per row."""
    return list(DuesBracket.objects.all())


def brackets_of(basis: str, brackets: Iterable[DuesBracket] | None = None) -> list[DuesBracket]:
    """The brackets of one basis, lowest limit first, the open-ended one last."""
    rows = [b for b in (load_brackets() if brackets is None else brackets) if b.basis == basis]
    return sorted(rows, key=lambda b: (b.upper_limit is None, b.upper_limit or ZERO))


def is_fixed_basis(basis: str, brackets: Iterable[DuesBracket] | None = None) -> bool:
    rows = brackets_of(basis, brackets)
    return bool(rows) and all(b.rate is None for b in rows)


def fixed_range(
    basis: str, brackets: Iterable[DuesBracket] | None = None
) -> tuple[Decimal, Decimal | None] | None:
    """(lowest, highest or None) of a fixed-amount basis; None for a percentage basis."""
    rows = brackets_of(basis, brackets)
    if not rows or not is_fixed_basis(basis, rows):
        return None
    return rows[0].fixed_amount, rows[0].max_fixed_amount


def dues_for(
    *,
    basis: str,
    base: Decimal | None,
    brackets: Iterable[DuesBracket] | None = None,
    amount: Decimal | None = None,
) -> tuple[Decimal | None, Decimal]:
    """(rate in %, amount due) for one month.

    Percentage brackets apply to the first bracket whose upper limit (inclusive) holds the
    base, rounded to the fen half up. Fixed brackets give their amount; where a range is
    allowed (farmers: fixed_amount to max_fixed_amount) a given `amount` inside the range
    becomes the amount due, and one outside it is refused.
    """
    rows = brackets_of(basis, brackets)
    if not rows:
        raise ValidationError(
            {
                "base": _("尚未配置“%(basis)s”的党费标准，请联系县委组织部。")
                % {"basis": DuesBasis(basis).label}
            }
        )
    if is_fixed_basis(basis, rows):
        bracket = rows[0]
        low, high = bracket.fixed_amount, bracket.max_fixed_amount
        if high is not None and amount is not None and amount > ZERO:
            if not low <= amount <= high:
                raise ValidationError(
                    {
                        "amount_paid": _(
                            "%(basis)s每月缴纳 %(low)s–%(high)s 元，%(amount)s 元不在此范围内。"
                        )
                        % {
                            "basis": DuesBasis(basis).label,
                            "low": low,
                            "high": high,
                            "amount": amount,
                        }
                    }
                )
            return None, amount.quantize(CENT, ROUND_HALF_UP)
        return None, low
    if base is None:
        raise ValidationError({"base": _("必填：按比例缴纳党费的党员须填写缴费基数。")})
    if base < ZERO:
        raise ValidationError({"base": _("不能为负数。")})
    for bracket in rows:
        if bracket.upper_limit is None or base <= bracket.upper_limit:
            if bracket.rate is None:
                return None, bracket.fixed_amount
            due = (base * bracket.rate / Decimal(100)).quantize(CENT, ROUND_HALF_UP)
            return bracket.rate, due
    raise ValidationError(
        {
            "base": _("党费标准未覆盖 %(base)s 元（缺少无上限的一档），请联系县委组织部。")
            % {"base": base}
        }
    )


@dataclass(frozen=True)
class DuesFigures:
    basis: str
    base: Decimal | None
    rate: Decimal | None
    amount_due: Decimal
    amount_paid: Decimal
    paid_on: datetime.date | None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIGURE_FIELDS}


def figures_for(
    *,
    member: Member,
    month: datetime.date,
    base: Decimal | None,
    amount_paid: Decimal | None,
    paid_on: datetime.date | None,
    brackets: Iterable[DuesBracket] | None = None,
    today: datetime.date | None = None,
) -> DuesFigures:
    """A month's record for `member` as the rules compute it, or ValidationError keyed by
    field (base, amount_paid, paid_on, month). Shared by the sheet and the importer."""
    today = today or timezone.localdate()
    brackets = load_brackets() if brackets is None else list(brackets)
    errors: dict[str, list[str]] = {}
    basis = basis_for(member)
    paid = amount_paid if amount_paid is not None else ZERO
    if month > month_start(today):
        errors.setdefault("month", []).append(_("不能晚于本月。"))
    if member.joined_on and month < month_start(member.joined_on):
        errors.setdefault("month", []).append(
            _("早于该党员的入党日期（%(date)s）。") % {"date": member.joined_on.isoformat()}
        )
    if paid < ZERO:
        errors.setdefault("amount_paid", []).append(_("不能为负数。"))
    if paid > ZERO and paid_on is None:
        errors.setdefault("paid_on", []).append(_("已填写实缴金额，请填写缴纳日期。"))
    if paid == ZERO and paid_on is not None:
        errors.setdefault("paid_on", []).append(_("实缴金额为 0 时请不要填写缴纳日期。"))
    if paid_on is not None and paid_on > today:
        errors.setdefault("paid_on", []).append(_("不能晚于今天。"))
    # A fixed amount does not depend on income: a base typed for such a member means nothing.
    if is_fixed_basis(basis, brackets):
        base = None
    rate, due = None, ZERO
    try:
        rate, due = dues_for(
            basis=basis, base=base, brackets=brackets, amount=paid if paid > ZERO else None
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return DuesFigures(
        basis=basis, base=base, rate=rate, amount_due=due, amount_paid=paid, paid_on=paid_on
    )


# --- the monthly sheet of one organisation ------------------------------------------------
@dataclass
class SheetLine:
    """One member's row of a month: their record, or what it would be by default."""

    member: Member
    basis: str
    record: DuesRecord | None
    base: Decimal | None
    rate: Decimal | None
    amount_due: Decimal | None
    amount_paid: Decimal
    paid_on: datetime.date | None
    #: (lowest, highest) for fixed-amount members, shown instead of a base input
    fixed: tuple[Decimal, Decimal | None] | None = None

    @property
    def is_paid(self) -> bool:
        return self.amount_due is not None and self.amount_paid >= self.amount_due

    @property
    def basis_label(self) -> str:
        return str(DuesBasis(self.basis).label)


@dataclass(frozen=True)
class SheetEntry:
    """What staff entered for one member on the sheet."""

    member_id: int
    base: Decimal | None
    amount_paid: Decimal | None
    paid_on: datetime.date | None


@dataclass(frozen=True)
class SheetProblem:
    row: int
    member: Member | None
    field: str
    message: str

    def __str__(self) -> str:
        who = self.member.name if self.member is not None else _("未知党员")
        label = FIELD_LABELS.get(self.field, self.field)
        return _("第%(row)d行 %(who)s [%(label)s] %(message)s") % {
            "row": self.row,
            "who": who,
            "label": label,
            "message": self.message,
        }


class DuesSheetError(Exception):
    """The sheet was refused as a whole; `problems` names every bad row."""

    def __init__(self, problems: list[SheetProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class SheetResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def sheet_members(organization: Organization, month: datetime.date):
    """The current members directly in `organization` who had joined by the month's end."""
    return (
        Member.objects.active()
        .filter(organization=organization, joined_on__lt=add_months(month_start(month), 1))
        .order_by("name", "pk")
    )


def month_sheet(organization: Organization, month: datetime.date) -> list[SheetLine]:
    """Every current member of the branch for `month`, with their record or a default
    that carries their last known base forward (three queries)."""
    month = month_start(month)
    last_base = (
        DuesRecord.objects.filter(member=OuterRef("pk"), month__lt=month, base__isnull=False)
        .order_by("-month")
        .values("base")[:1]
    )
    members = list(sheet_members(organization, month).annotate(last_base=Subquery(last_base)))
    records = {
        r.member_id: r
        for r in DuesRecord.objects.filter(member__in=[m.pk for m in members], month=month)
    }
    brackets = load_brackets()
    lines = []
    for member in members:
        basis = basis_for(member)
        fixed = fixed_range(basis, brackets)
        record = records.get(member.pk)
        if record is not None:
            line = SheetLine(
                member=member,
                basis=basis,
                record=record,
                base=record.base,
                rate=record.rate,
                amount_due=record.amount_due,
                amount_paid=record.amount_paid,
                paid_on=record.paid_on,
                fixed=fixed,
            )
        else:
            base = None if fixed else member.last_base
            try:
                rate, due = dues_for(basis=basis, base=base, brackets=brackets)
            except ValidationError:
                rate, due = None, None  # no base known yet: staff fill it in
            line = SheetLine(
                member=member,
                basis=basis,
                record=None,
                base=base,
                rate=rate,
                amount_due=due,
                amount_paid=ZERO,
                paid_on=None,
                fixed=fixed,
            )
        lines.append(line)
    return lines


@dataclass(frozen=True)
class SheetTotals:
    members: int
    recorded: int
    paid_in_full: int
    due: Decimal
    paid: Decimal

    @property
    def rate(self) -> Decimal | None:
        return (self.paid / self.due * 100).quantize(Decimal("0.1")) if self.due else None


def sheet_totals(lines: Sequence[SheetLine]) -> SheetTotals:
    """The sheet's footer: recorded months only, so defaults do not count as collected."""
    recorded = [line for line in lines if line.record is not None]
    return SheetTotals(
        members=len(lines),
        recorded=len(recorded),
        paid_in_full=sum(1 for line in recorded if line.is_paid),
        due=sum((line.amount_due for line in recorded), ZERO),
        paid=sum((line.amount_paid for line in recorded), ZERO),
    )


def fill_in_full(
    lines: Sequence[SheetLine],
    entries: Sequence[SheetEntry],
    *,
    today: datetime.date | None = None,
    brackets: Iterable[DuesBracket] | None = None,
) -> list[SheetEntry]:
    """“全部按应缴足额缴纳”: every row not yet paid in full gets paid = due, dated today.

    Nothing is saved; staff check the result and save the sheet. Rows whose due cannot be
    computed (no base yet) are left as entered.
    """
    today = today or timezone.localdate()
    brackets = load_brackets() if brackets is None else list(brackets)
    basis_of = {line.member.pk: line.basis for line in lines}
    filled = []
    for entry in entries:
        basis = basis_of.get(entry.member_id)
        paid = entry.amount_paid or ZERO
        try:
            _rate, due = dues_for(
                basis=basis,
                base=entry.base,
                brackets=brackets,
                amount=paid if paid > ZERO else None,
            )
        except (ValidationError, ValueError):
            filled.append(entry)
            continue
        if due == ZERO:
            filled.append(entry)
        elif paid >= due:
            # Already paid in full (perhaps more, voluntarily): only date it if undated.
            filled.append(
                SheetEntry(
                    member_id=entry.member_id,
                    base=entry.base,
                    amount_paid=paid,
                    paid_on=entry.paid_on or today,
                )
            )
        else:
            filled.append(
                SheetEntry(
                    member_id=entry.member_id, base=entry.base, amount_paid=due, paid_on=today
                )
            )
    return filled


def save_month_sheet(
    *,
    user: Any,
    organization: Organization,
    month: datetime.date,
    rows: Sequence[SheetEntry],
    today: datetime.date | None = None,
) -> SheetResult:
    """Write one record per member for `month`, all or nothing, with history by `user`.

    Rows equal to the stored record are left alone (no history row); a single bad row
    refuses the whole sheet with every problem named (DuesSheetError).
    """
    if not can_edit_path(user, organization.path):
        raise PermissionDenied(_("您不能登记该组织的党费。"))
    month = month_start(month)
    today = today or timezone.localdate()
    result = SheetResult()
    with transaction.atomic():
        members = {m.pk: m for m in sheet_members(organization, month)}
        brackets = load_brackets()
        existing = {
            r.member_id: r
            for r in DuesRecord.objects.select_for_update().filter(
                member_id__in=list(members), month=month
            )
        }
        problems: list[SheetProblem] = []
        seen: set[int] = set()
        to_create: list[DuesRecord] = []
        to_update: list[DuesRecord] = []
        for number, entry in enumerate(rows, start=1):
            member = members.get(entry.member_id)
            if member is None:
                problems.append(
                    SheetProblem(number, None, "member", _("不是本组织该月的在册党员。"))
                )
                continue
            if member.pk in seen:
                problems.append(SheetProblem(number, member, "member", _("重复出现。")))
                continue
            seen.add(member.pk)
            try:
                figures = figures_for(
                    member=member,
                    month=month,
                    base=entry.base,
                    amount_paid=entry.amount_paid,
                    paid_on=entry.paid_on,
                    brackets=brackets,
                    today=today,
                )
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    problems.extend(SheetProblem(number, member, key, m) for m in messages)
                continue
            record = existing.get(member.pk)
            if record is None:
                to_create.append(DuesRecord(member=member, month=month, **figures.as_dict()))
            elif any(getattr(record, k) != v for k, v in figures.as_dict().items()):
                for key, value in figures.as_dict().items():
                    setattr(record, key, value)
                record.updated_at = timezone.now()
                to_update.append(record)
            else:
                result.unchanged += 1
        if problems:
            raise DuesSheetError(problems)
        reason = _("党费登记表 %(month)s") % {"month": f"{month:%Y-%m}"}
        if to_create:
            bulk_create_with_history(
                to_create, DuesRecord, default_user=user, default_change_reason=reason
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                DuesRecord,
                [*FIGURE_FIELDS, "updated_at"],
                default_user=user,
                default_change_reason=reason,
            )
    result.created = len(to_create)
    result.updated = len(to_update)
    return result


# --- collection, arrears and the six-month flag --------------------------------------------
@dataclass(frozen=True)
class OrgCollection:
    organization: Organization
    members: int
    recorded: int
    paid_in_full: int
    due: Decimal
    paid: Decimal

    @property
    def rate(self) -> Decimal | None:
        return (self.paid / self.due * 100).quantize(Decimal("0.1")) if self.due else None

    @property
    def missing(self) -> int:
        return max(self.members - self.recorded, 0)


def collection_by_organization(
    organizations: Sequence[Organization], member_counts: dict[int, int], month: datetime.date
) -> list[OrgCollection]:
    """Per organisation (its direct members) for one month: records, due and paid (one
    query). Organisations without members or records are left out."""
    month = month_start(month)
    rows = {
        row["member__organization_id"]: row
        for row in DuesRecord.objects.filter(
            member__organization_id__in=[o.pk for o in organizations], month=month
        )
        .values("member__organization_id")
        .annotate(
            recorded=Count("id"),
            paid_in_full=Count("id", filter=Q(amount_paid__gte=F("amount_due"))),
            due=Sum("amount_due"),
            paid=Sum("amount_paid"),
        )
        .order_by()
    }
    result = []
    for org in organizations:
        row = rows.get(org.pk)
        members = member_counts.get(org.pk, 0)
        if row is None and not members:
            continue
        result.append(
            OrgCollection(
                organization=org,
                members=members,
                recorded=row["recorded"] if row else 0,
                paid_in_full=row["paid_in_full"] if row else 0,
                due=(row["due"] if row else None) or ZERO,
                paid=(row["paid"] if row else None) or ZERO,
            )
        )
    return result


@dataclass(frozen=True)
class Arrear:
    member: Member
    #: months of the window with a record not paid in full
    unpaid_months: int
    #: months of the window without any record
    missing_months: int
    #: what the unpaid records still lack (missing months have no amount yet)
    amount_owed: Decimal

    @property
    def months(self) -> int:
        return self.unpaid_months + self.missing_months


def arrears_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first, last) month looked at: the complete months before the current one."""
    months = settings.DUES_ARREARS_MONTHS
    last = add_months(month_start(today), -1)
    return add_months(last, -(months - 1)), last


def arrears(org: Organization, today: datetime.date | None = None) -> list[Arrear]:
    """Current members of `org`'s subtree with unpaid or missing months in the window
    (one query). Months before a member joined are not owed."""
    today = today or timezone.localdate()
    first, last = arrears_window(today)
    in_window = Q(dues_records__month__gte=first, dues_records__month__lte=last)
    short = in_window & Q(dues_records__amount_paid__lt=F("dues_records__amount_due"))
    window = months_between(first, last)
    members = (
        Member.objects.active()
        .in_subtree(org)
        .filter(joined_on__lt=add_months(last, 1))
        .annotate(
            recorded=Count("dues_records", filter=in_window),
            unpaid=Count("dues_records", filter=short),
            owed=Sum(
                ExpressionWrapper(
                    F("dues_records__amount_due") - F("dues_records__amount_paid"),
                    output_field=DecimalField(max_digits=10, decimal_places=2),
                ),
                filter=short,
            ),
        )
        # Members who joined inside the window owe fewer months: refined below.
        .filter(Q(unpaid__gt=0) | Q(recorded__lt=window))
        .select_related("organization")
        .order_by("organization__path", "name", "pk")
    )
    result = []
    for member in members:
        expected = months_between(max(first, month_start(member.joined_on)), last)
        missing = max(expected - member.recorded, 0)
        if member.unpaid or missing:
            result.append(
                Arrear(
                    member=member,
                    unpaid_months=member.unpaid,
                    missing_months=missing,
                    amount_owed=member.owed or ZERO,
                )
            )
    return result


@dataclass(frozen=True)
class LapseFlag:
    """A member with no dues paid for the last N complete months: the branch decides
    whether this is the 自行脱党 case; the portal only shows it."""

    member: Member
    last_paid_month: datetime.date | None
    since: datetime.date


def lapse_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    months = settings.DUES_LAPSE_MONTHS
    last = add_months(month_start(today), -1)
    return add_months(last, -(months - 1)), last


def six_month_flags(org: Organization, today: datetime.date | None = None) -> list[LapseFlag]:
    """Current members of the subtree, members for the whole window, who paid nothing in
    each of its months (one query). Paying part of a month counts as paying: owing the
    rest is an arrear, not the constitution's case.

    Quiet until dues are recorded in the portal for the subtree at all (a record in the
    window): before that every member would be flagged, noise nobody can act on (as the
    funding warnings wait for the year's funds). Still one query: an uncorrelated EXISTS."""
    today = today or timezone.localdate()
    first, last = lapse_window(today)
    paid = Q(dues_records__amount_paid__gt=0) | Q(dues_records__amount_due=0)
    in_window = Q(dues_records__month__gte=first, dues_records__month__lte=last)
    recording = DuesRecord.objects.filter(
        member__organization__path__startswith=org.path, month__gte=first, month__lte=last
    )
    members = (
        Member.objects.active()
        .in_subtree(org)
        .filter(Exists(recording), joined_on__lt=add_months(first, 1))
        .annotate(
            paid_in_window=Count("dues_records", filter=in_window & paid),
            last_paid=Max("dues_records__month", filter=paid),
        )
        .filter(paid_in_window=0)
        .select_related("organization")
        .order_by("organization__path", "name", "pk")
    )
    return [LapseFlag(member=m, last_paid_month=m.last_paid, since=first) for m in members]
