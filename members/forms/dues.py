"""Forms of the dues pages: choosing an organisation and month, the monthly sheet, and a
免交/少交 approved by the branch.

The sheet form only turns the posted inputs into typed values; what the values must
satisfy (bases, ranges, dates) is decided by `members.dues`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from core.years import FIRST_YEAR, LAST_YEAR, check_year

from ..dues.sheet import SheetEntry, SheetLine
from ..models import DuesWaiver

MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def parse_month(text: str) -> datetime.date | None:
    match = MONTH_RE.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    if not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        return None  # the month sheets behind such a month answer 404 (core/years.py)
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class OrgMonthForm(forms.Form):
    """Which organisation (of the user's scope) and which month the overview shows."""

    org = forms.ChoiceField(label=_("党组织"), required=False)
    month = forms.CharField(
        label=_("月份"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}),
        help_text=_("格式 YYYY-MM"),
    )

    def __init__(self, *args: Any, organizations: Sequence[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [
            (o.code, "\u3000" * (o.depth - organizations[0].depth) + o.name) for o in organizations
        ]

    def clean_month(self) -> datetime.date | None:
        text = self.cleaned_data.get("month") or ""
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(_("月份格式应为 YYYY-MM，如 2024-03。"))
        return month


MONEY_ATTRS = {"inputmode": "decimal", "class": "input--money", "autocomplete": "off"}


class DuesSheetForm(forms.Form):
    """One base, paid amount and paid date per member of the sheet (fields named
    `base-<member id>`, `paid-<id>`, `paid_on-<id>`)."""

    def __init__(self, *args: Any, lines: Sequence[SheetLine], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            pk = line.member.pk
            name = line.member.name
            if not line.fixed:
                self.fields[f"base-{pk}"] = forms.DecimalField(
                    label=_("%(name)s 的缴费基数（元）") % {"name": name},
                    required=False,
                    min_value=Decimal("0"),
                    max_digits=10,
                    decimal_places=2,
                    initial=line.base,
                    widget=forms.NumberInput(attrs={**MONEY_ATTRS, "step": "0.01"}),
                )
            self.fields[f"paid-{pk}"] = forms.DecimalField(
                label=_("%(name)s 的实缴金额（元）") % {"name": name},
                required=False,
                min_value=Decimal("0"),
                max_digits=8,
                decimal_places=2,
                initial=line.amount_paid if line.amount_paid else None,
                widget=forms.NumberInput(attrs={**MONEY_ATTRS, "step": "0.01"}),
            )
            self.fields[f"paid_on-{pk}"] = forms.DateField(
                label=_("%(name)s 的缴纳日期") % {"name": name},
                required=False,
                initial=line.paid_on,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    def rows(self) -> list[dict[str, Any]]:
        """The bound fields of each line, for the template."""
        return [
            {
                "line": line,
                "base": self[f"base-{line.member.pk}"] if not line.fixed else None,
                "paid": self[f"paid-{line.member.pk}"],
                "paid_on": self[f"paid_on-{line.member.pk}"],
            }
            for line in self.lines
        ]

    def entries(self) -> list[SheetEntry]:
        data = self.cleaned_data
        return [
            SheetEntry(
                member_id=line.member.pk,
                base=data.get(f"base-{line.member.pk}"),
                amount_paid=data.get(f"paid-{line.member.pk}"),
                paid_on=data.get(f"paid_on-{line.member.pk}"),
            )
            for line in self.lines
        ]

    @staticmethod
    def initial_from(entries: Sequence[SheetEntry]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for entry in entries:
            initial[f"base-{entry.member_id}"] = entry.base
            initial[f"paid-{entry.member_id}"] = entry.amount_paid
            initial[f"paid_on-{entry.member_id}"] = entry.paid_on
        return initial

    def field_for(self, member_id: int, key: str) -> str | None:
        """The form field a service problem about `key` belongs on."""
        name = {"base": "base", "amount_paid": "paid", "paid_on": "paid_on"}.get(key)
        if name and f"{name}-{member_id}" in self.fields:
            return f"{name}-{member_id}"
        return None


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (the browser's month input), as the first of the month."""

    widget = forms.DateInput(
        attrs={"type": "month", "pattern": r"\d{4}-\d{2}", "placeholder": "YYYY-MM"},
        format="%Y-%m",
    )
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("格式应为 YYYY-MM，如 2024-03。")}

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is not None:
            check_year(value.year)


class DuesWaiverForm(ServiceErrorsMixin, forms.ModelForm):
    """免交/少交 approved by the branch: who approved it and when, why, for which months
    and, for 少交, how much a month. The model checks the rest (DuesWaiver.clean)."""

    first_month = MonthField(label=_("起始月份"))
    last_month = MonthField(label=_("截止月份"), help_text=_("含该月。"))

    class Meta:
        model = DuesWaiver
        fields = [
            "kind",
            "approved_by",
            "decided_on",
            "reason",
            "first_month",
            "last_month",
            "amount",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "approved_by": forms.RadioSelect,
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "amount": forms.NumberInput(attrs={**MONEY_ATTRS, "step": "0.01"}),
        }
        help_texts = {
            "decided_on": _("支部委员会或支部党员大会研究决定的日期。"),
            "reason": _("如：长期患病、家庭遭受重大变故等，说明经济困难的情况。"),
        }
