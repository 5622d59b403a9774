"""Writing village cadres' yearly pay (基本报酬, 绩效, 体检, 绩效评价) and the pay standards
that organisations above the villages set for their subtree."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.submissions import claim, settle
from core.years import FIRST_YEAR

from ..models import CadrePay, PayStandard
from ..people_selectors import sets_standards
from .postings import check_may_edit, check_person, check_village, store_person

PAY_KEY = ("organization", "id_number", "year")


def pay_url(pay: CadrePay) -> str:
    return reverse("teams:pay_row", args=[pay.organization.code, pay.pk])


def _duplicate(pay: CadrePay) -> str:
    return _("该人员 %(year)s 年的报酬已登记，请在列表中点击姓名修改。") % {"year": pay.year}


def year_errors(year: int | None) -> dict[str, list[str]]:
    """A pay year runs from the portal's first year to next year (budgets are set ahead)."""
    last = timezone.localdate().year + 1
    if year is None:
        return {"year": [_("年度：必填。")]}
    if not FIRST_YEAR <= year <= last:
        return {
            "year": [
                _("年度应在 %(first)d 到 %(last)d 之间。") % {"first": FIRST_YEAR, "last": last}
            ]
        }
    return {}


@transaction.atomic
def save_pay(*, user: Any, pay: CadrePay, submission: uuid.UUID | None = None) -> CadrePay:
    """Add (`pay.pk` None) or change a cadre's pay of a year. `submission`, the add
    form's one-time token, makes a repeated post save nothing."""
    check_may_edit(user, pay.organization)
    claimed = claim(submission, user=user)
    check_village(pay.organization, _("村干部报酬"))
    check_person(pay, key=PAY_KEY, duplicate=_duplicate(pay), errors=year_errors(pay.year))
    store_person(pay, user=user, duplicate=_duplicate(pay))
    settle(claimed, pay_url(pay))
    return pay


# --- standards ---------------------------------------------------------------------------
@transaction.atomic
def save_standard(
    *, user: Any, standard: PayStandard, submission: uuid.UUID | None = None
) -> PayStandard:
    """Set (`standard.pk` None) or change an organisation's standard of a year."""
    organization = standard.organization
    check_may_edit(user, organization)
    claimed = claim(submission, user=user)
    errors = year_errors(standard.year)
    if not sets_standards(organization):
        errors["organization"] = [
            _("报酬标准由县、乡镇（街道）等村级以上党组织制定，“%(org)s”不能制定。")
            % {"org": organization.name}
        ]
    if standard.minimum_total is not None and standard.minimum_total <= 0:
        errors["minimum_total"] = [_("年报酬标准应大于 0。")]
    duplicate = _("“%(org)s”%(year)s 年的报酬标准已制定，请在列表中修改。") % {
        "org": organization.name,
        "year": standard.year,
    }
    same = PayStandard.objects.filter(organization=organization, year=standard.year)
    if not errors and same.exclude(pk=standard.pk).exists():
        errors["year"] = [duplicate]
    try:
        standard.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    standard._history_user = user
    try:
        with transaction.atomic():
            standard.save()
    except IntegrityError:
        raise ValidationError({"year": [duplicate]}) from None
    settle(claimed, reverse("teams:pay_standard", args=[standard.pk]))
    return standard
