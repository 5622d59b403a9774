"""Forms of the cadre pay pages: a cadre's pay of a year, the year shown, and the pay
standard of an organisation. The rules are in teams.services.pay."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from core.submissions import SubmissionTokenField
from orgs.options import OrganizationChoiceField

from ..models import CadrePay, PayStandard
from .postings import PersonForm

MONEY = forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"})
MONEY_ERRORS = {
    "invalid": _("应为数字，如 36000 或 36000.50。"),
    "max_decimal_places": _("最多两位小数。"),
    "max_digits": _("金额过大。"),
    "min_value": _("不能为负数。"),
}


class CadrePayForm(PersonForm):
    class Meta:
        model = CadrePay
        fields = [
            "name",
            "id_number",
            "year",
            "post",
            "base_pay",
            "performance_pay",
            "health_check_done",
            "grade",
        ]
        widgets = {"base_pay": MONEY, "performance_pay": MONEY}
        help_texts = {
            "post": _("如村党组织书记、村委会主任、会计。"),
            "base_pay": _("单位：元，全年合计。"),
            "performance_pay": _("单位：元，全年合计；未发放填 0。"),
        }
        error_messages = {"base_pay": MONEY_ERRORS, "performance_pay": MONEY_ERRORS}


class PayYearForm(forms.Form):
    """?year= of the pay page: a year offered, else the default."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)

    def __init__(self, data: Any, *, years: Sequence[int]) -> None:
        super().__init__(data)
        self.fields["year"].choices = [(y, _("%(year)d 年") % {"year": y}) for y in years]

    def chosen(self, default: int) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or default


class PayStandardForm(ServiceErrorsMixin, forms.Form):
    """A new standard names its organisation and year; a standard's edit changes the
    amount only (the organisation and year are its key). The values are put on
    `instance`; the service checks them (a second standard of the same organisation and
    year is refused with where to change the first)."""

    organization = OrganizationChoiceField(
        indented=True, queryset=None, label=_("制定标准的党组织")
    )
    year = forms.IntegerField(label=_("年度"))
    minimum_total = forms.DecimalField(
        label=PayStandard._meta.get_field("minimum_total").verbose_name,
        max_digits=10,
        decimal_places=2,
        min_value=0,
        widget=MONEY,
        help_text=_("单位：元。村干部全年基本报酬与绩效报酬合计不应低于此标准。"),
        error_messages=MONEY_ERRORS,
    )

    def __init__(
        self, data: Any = None, *, instance: PayStandard, organizations: Any, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.instance = instance
        if instance.pk is not None:
            del self.fields["organization"]
            del self.fields["year"]
            self.initial["minimum_total"] = instance.minimum_total
        else:
            field = self.fields["organization"]
            field.queryset = organizations
            field.empty_label = _("请选择")
            field.top_depth = organizations.aggregate(top=Min("depth"))["top"] or 1
            offered = list(organizations[:2])
            if len(offered) == 1:  # the one organisation the user sets standards for
                self.initial.setdefault("organization", offered[0].pk)
            self.fields["submission"] = SubmissionTokenField()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("organization", "year", "minimum_total"):
            if name in self.fields and name in data:
                setattr(self.instance, name, data[name])
        return data
