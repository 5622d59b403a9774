"""The dues rules: which table applies to a member, and the amount due of a month.

The portal, the admin and the importer all compute a month's figures through
`figures_for()`, so that the amount due is never typed by anyone: it follows from the
member's basis, the base and the configured brackets (DuesBracket, seeded from DOMAIN.md),
or from the 免交/少交 the branch approved for the month (DuesWaiver). Paying more than
is due is voluntary (自愿多交) and never refused; paying less leaves the month short.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import month_start

from ..choices import Job
from ..models import DuesBasis, DuesBracket, DuesWaiver, Member
from ..models.member import HardshipKind

CENT = Decimal("0.01")
ZERO = Decimal("0")
#: the record fields a sheet row or an import row sets (besides member and month)
FIGURE_FIELDS = ("basis", "base", "rate", "amount_due", "amount_paid", "paid_on")
#: the hardships of the minimum class; any other hardship pays by the job's table, and
#: paying less or nothing then needs the branch's approval (DuesWaiver)
MINIMUM_HARDSHIPS = frozenset(
    {HardshipKind.UNEMPLOYED, HardshipKind.ON_RELIEF, HardshipKind.SUBSISTENCE}
)


def basis_for(member: Member) -> DuesBasis:
    """Which table of DOMAIN.md applies: pensioners and farmers have their own; students
    and members 下岗失业, living on 抚恤/救济 or on 低保 pay the minimum; everyone else
    pays on their salary."""
    if member.job == Job.RETIRED:
        return DuesBasis.RETIRED
    if member.job == Job.FARMER:
        return DuesBasis.FARMER
    if member.job == Job.STUDENT or member.hardship_kind in MINIMUM_HARDSHIPS:
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
    """(rate in %, amount due) for one month by the brackets.

    Percentage brackets apply to the first bracket whose upper limit (inclusive) holds the
    base, rounded to the fen half up. Fixed brackets give their amount; where a range is
    allowed (farmers: fixed_amount to max_fixed_amount) the amount paid inside the range
    is the amount due, above it the highest is due and the rest is voluntary, below it
    the lowest is due and the month is short.
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
            return None, min(max(amount, low), high).quantize(CENT, ROUND_HALF_UP)
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


def month_due(
    *,
    basis: str,
    base: Decimal | None,
    brackets: Iterable[DuesBracket] | None = None,
    amount: Decimal | None = None,
    waiver: DuesWaiver | None = None,
) -> tuple[Decimal | None, Decimal]:
    """(rate in %, amount due) of a month: the approved 免交/少交 where one covers it (no
    base needed then), else the brackets' (`dues_for`)."""
    if waiver is not None:
        return None, waiver.due
    return dues_for(basis=basis, base=base, brackets=brackets, amount=amount)


def voluntary_part(amount_paid: Decimal, amount_due: Decimal | None) -> Decimal:
    """What was paid above the amount due (自愿多交), 0 when nothing was."""
    if amount_due is None:
        return ZERO
    return max(amount_paid - amount_due, ZERO)


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
    waiver: DuesWaiver | None = None,
    basis: str | None = None,
) -> DuesFigures:
    """A month's record for `member` as the rules compute it, or ValidationError keyed by
    field (base, amount_paid, paid_on, month). Shared by the sheet, the importer, the
    admin and the re-application of an approval.

    `waiver` is the approved 免交/少交 covering the month, if any (`waivers.covering`);
    `basis` keeps a stored record's basis when its month is computed again."""
    today = today or timezone.localdate()
    brackets = load_brackets() if brackets is None else list(brackets)
    errors: dict[str, list[str]] = {}
    basis = basis or basis_for(member)
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
    if waiver is not None and base is not None and base < ZERO:
        # dues_for checks the base otherwise; a base typed in an approved month is kept
        # (the next months carry it forward), so it is checked here.
        errors.setdefault("base", []).append(_("不能为负数。"))
    rate, due = None, ZERO
    try:
        rate, due = month_due(
            basis=basis,
            base=base,
            brackets=brackets,
            amount=paid if paid > ZERO else None,
            waiver=waiver,
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return DuesFigures(
        basis=basis, base=base, rate=rate, amount_due=due, amount_paid=paid, paid_on=paid_on
    )
