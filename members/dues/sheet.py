"""A branch's monthly dues sheet as staff see and fill it: one line per current member,
with their record of the month or the default the rules give, and the 免交/少交 approved
for the month (reads; saving the sheet is `members.dues.recording`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.numbers import rate
from core.periods import add_months, month_start
from orgs.models import Organization

from ..models import DuesBasis, DuesBracket, DuesRecord, DuesWaiver, Member
from ..models.member import MemberQuerySet
from .rates import ZERO, basis_for, fixed_range, load_brackets, month_due, voluntary_part
from .waivers import covering, waivers_of


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
    #: the 免交/少交 approved for the month, which sets the amount due
    waiver: DuesWaiver | None = None

    @property
    def is_paid(self) -> bool:
        return self.amount_due is not None and self.amount_paid >= self.amount_due

    @property
    def voluntary(self) -> Decimal:
        """Paid above the amount due (自愿多交), of a recorded month."""
        return voluntary_part(self.amount_paid, self.amount_due) if self.record else ZERO

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


def sheet_members(organization: Organization, month: datetime.date) -> MemberQuerySet:
    """The current members directly in `organization` who had joined by the month's end."""
    return (
        Member.objects.active()
        .filter(organization=organization, joined_on__lt=add_months(month_start(month), 1))
        .order_by("name", "pk")
    )


def month_sheet(organization: Organization, month: datetime.date) -> list[SheetLine]:
    """Every current member of the branch for `month`, with their record or a default
    that carries their last known base forward, and their approval (four queries)."""
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
    waivers = waivers_of([m.pk for m in members], month, month)
    brackets = load_brackets()
    lines = []
    for member in members:
        basis = basis_for(member)
        fixed = fixed_range(basis, brackets)
        waiver = covering(waivers.get(member.pk, ()), month)
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
                waiver=waiver,
            )
        else:
            base = None if fixed else member.last_base
            try:
                bracket_rate, due = month_due(
                    basis=basis, base=base, brackets=brackets, waiver=waiver
                )
            except ValidationError:
                bracket_rate, due = None, None  # no base known yet: staff fill it in
            line = SheetLine(
                member=member,
                basis=basis,
                record=None,
                base=base,
                rate=bracket_rate,
                amount_due=due,
                amount_paid=ZERO,
                paid_on=None,
                fixed=fixed,
                waiver=waiver,
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
    voluntary: Decimal = ZERO

    @property
    def rate(self) -> Decimal | None:
        return rate(self.paid, self.due)


def sheet_totals(lines: Sequence[SheetLine]) -> SheetTotals:
    """The sheet's footer: recorded months only, so defaults do not count as collected."""
    recorded = [line for line in lines if line.record is not None]
    return SheetTotals(
        members=len(lines),
        recorded=len(recorded),
        paid_in_full=sum(1 for line in recorded if line.is_paid),
        due=sum((line.amount_due for line in recorded), ZERO),
        paid=sum((line.amount_paid for line in recorded), ZERO),
        voluntary=sum((line.voluntary for line in recorded), ZERO),
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
    line_of = {line.member.pk: line for line in lines}
    filled = []
    for entry in entries:
        line = line_of.get(entry.member_id)
        paid = entry.amount_paid or ZERO
        try:
            _rate, due = month_due(
                basis=line.basis if line else None,
                base=entry.base,
                brackets=brackets,
                amount=paid if paid > ZERO else None,
                waiver=line.waiver if line else None,
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
