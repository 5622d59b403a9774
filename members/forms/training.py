"""Forms of the training page: choosing an organisation and year, and recording a course."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from core.years import FIRST_YEAR, LAST_YEAR

from ..models import Member


class OrgYearForm(forms.Form):
    org = forms.ChoiceField(label=_("党组织"), required=False)
    year = forms.IntegerField(
        label=_("年度"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )

    def __init__(self, *args: Any, organizations: Sequence[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.code, o.name) for o in organizations]

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("不能晚于今年。"))
        return year


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.masked_id_number}）"


class TrainingForm(ServiceErrorsMixin, forms.Form):
    member = MemberChoiceField(label=_("党员"), queryset=Member.objects.none())
    course = forms.CharField(label=_("课程或培训名称"), max_length=100)
    hours = forms.DecimalField(
        label=_("学时"),
        min_value=Decimal("0.5"),
        max_value=Decimal("500"),
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        help_text=_("0.5–500，可精确到半学时。"),
    )
    attended_on = forms.DateField(
        label=_("培训日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, members, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
