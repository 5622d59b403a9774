"""The dues rules: which table applies to a member, and the amount due of a month.

The portal, the admin and the importer all compute a month's figures through
`figures_for()`, so that the amount due is never typed by anyone: it follows from the
member's basis, the base and the configured brackets (DuesBracket, seeded from DOMAIN.md).
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
from ..models import DuesBasis, DuesBracket, Member

CENT = Decimal("0.01")
ZERO = Decimal("0")
#: the record fields a sheet row or an import row sets (besides member and month)
FIGURE_FIELDS = ("basis", "base", "rate", "amount_due", "amount_paid", "paid_on")


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
