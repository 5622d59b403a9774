"""Writes to budget lines: disbursements in instalments, the derived total kept in step."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.numbers import money
from core.submissions import claim, settle

from ..models import Disbursement, FundLine


def _locked(fund: FundLine) -> FundLine:
    """The line re-read under a row lock, so two instalments cannot both pass the budget
    check (SQLite serialises writers anyway; PostgreSQL needs the lock)."""
    return FundLine.objects.select_for_update().get(pk=fund.pk)


def _sync_disbursed(fund: FundLine, *, user: Any, reason: str) -> None:
    total = fund.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if total != fund.disbursed:
        fund.disbursed = total
        fund._history_user = user
        fund._change_reason = reason
        fund.save(update_fields=["disbursed", "updated_at"])


@transaction.atomic
def disbursement_record(
    *,
    user: Any,
    fund: FundLine,
    amount: Decimal,
    paid_on: datetime.date,
    note: str = "",
    submission: uuid.UUID | None = None,
) -> Disbursement:
    """Pay out one instalment; refused when it would exceed the budget. `submission`
    (the form's one-time token) makes a repeated post record nothing."""
    claimed = claim(submission, user=user)
    fund = _locked(fund)
    errors: dict[str, list[str]] = {}
    if amount is None or amount <= 0:
        errors.setdefault("amount", []).append(_("拨付金额应大于 0。"))
    elif fund.disbursed + amount > fund.budget:
        errors.setdefault("amount", []).append(
            _("超出预算：预算 %(budget)s 元，已拨付 %(done)s 元，本次最多可拨付 %(left)s 元。")
            % {
                "budget": money(fund.budget),
                "done": money(fund.disbursed),
                "left": money(fund.remaining),
            }
        )
    if paid_on and paid_on > timezone.localdate():
        errors.setdefault("paid_on", []).append(_("不能晚于今天。"))
    if paid_on and paid_on.year < fund.year - 1:
        errors.setdefault("paid_on", []).append(
            _("拨付日期不能早于经费年度的上一年（%(year)d 年）。") % {"year": fund.year - 1}
        )
    if errors:
        raise ValidationError(errors)
    instalment = Disbursement(
        fund=fund, amount=amount, paid_on=paid_on, note=note, recorded_by=user
    )
    instalment._history_user = user
    instalment.full_clean()
    instalment.save()
    _sync_disbursed(fund, user=user, reason=_("登记拨付 %(amount)s 元") % {"amount": money(amount)})
    settle(claimed, fund.get_absolute_url())
    return instalment


@transaction.atomic
def disbursement_delete(*, user: Any, disbursement: Disbursement) -> None:
    """Remove an instalment entered by mistake (with history) and recompute the total."""
    fund = _locked(disbursement.fund)
    disbursement._history_user = user
    disbursement.delete()
    _sync_disbursed(
        fund,
        user=user,
        reason=_("删除拨付记录 %(amount)s 元") % {"amount": money(disbursement.amount)},
    )


def disbursed_total_error(fund: FundLine | None, total: Decimal, budget: Decimal) -> str | None:
    """Why a file's 已拨付金额 cannot be applied to the line, or None."""
    if total > budget:
        return _("已拨付金额 %(total)s 元超过预算 %(budget)s 元。") % {
            "total": money(total),
            "budget": money(budget),
        }
    if fund is not None and fund.pk and total < fund.disbursed:
        return _(
            "系统中已登记拨付 %(done)s 元，文件中的已拨付金额不能更少；"
            "登记错误的拨付请在经费页面删除。"
        ) % {"done": money(fund.disbursed)}
    return None


def apply_disbursed_total(
    *, user: Any, fund: FundLine, total: Decimal, paid_on: datetime.date, reason: str
) -> Disbursement | None:
    """Bring the line's instalments up to the total given in an import file: one
    instalment for the difference (the file states totals, the portal keeps instalments)."""
    fund = _locked(fund)  # the total may have moved since the file's row was read
    difference = total - fund.disbursed
    if difference <= 0:
        return None
    if total > fund.budget:
        raise ValidationError(disbursed_total_error(fund, total, fund.budget))
    instalment = Disbursement(
        fund=fund, amount=difference, paid_on=paid_on, note=reason, recorded_by=user
    )
    instalment._history_user = user
    instalment._change_reason = reason
    instalment.save()
    _sync_disbursed(fund, user=user, reason=reason)
    return instalment
