"""Forms of the funding pages: choosing a year and subtree, recording an instalment.

The forms only turn posted inputs into typed values; whether an instalment may be paid
(budget left, dates) is decided by `funding.services.funds`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from core.submissions import SubmissionTokenField

from ..models import Disbursement


class FundsFilterForm(forms.Form):
    """Which year and which organisation's subtree the funding page shows."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    org = forms.ChoiceField(label=_("党组织"), required=False)

    def __init__(
        self, *args: Any, years: Sequence[int], organizations: Sequence[Any], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, _("%(year)d 年") % {"year": y}) for y in years]
        top = min((o.depth for o in organizations), default=1)
        self.fields["org"].choices = [
            (o.code, "\u3000" * (o.depth - top) + o.name) for o in organizations
        ]


class DisbursementForm(ServiceErrorsMixin, forms.ModelForm):
    """One instalment: how much, when, and a note."""

    submission = SubmissionTokenField()

    class Meta:
        model = Disbursement
        fields = ["amount", "paid_on", "note"]
        widgets = {
            "amount": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}
            ),
            "paid_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "amount": _("单位：元，最多两位小数；不能超过剩余预算。"),
            "paid_on": _("不能晚于今天。"),
        }
        error_messages = {
            "amount": {
                "required": _("请填写。"),
                "invalid": _("应为数字，如 20000 或 20000.50。"),
                "max_decimal_places": _("最多两位小数。"),
                "max_digits": _("金额过大。"),
                "min_value": _("应大于 0。"),
            },
            "paid_on": {
                "required": _("请填写。"),
                "invalid": _("格式应为 YYYY-MM-DD，如 2026-03-01。"),
            },
        }


def parse_year(value: str | None) -> int | None:
    """A year typed in the address bar: 2000–2100, else None."""
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None
