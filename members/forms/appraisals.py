"""Forms of the 民主评议党员 pages: choosing the organisation, year and result shown, and
recording one member's result; the rules are in Appraisal.clean() and the services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import FastSelect, ServiceErrorsMixin
from core.years import FIRST_YEAR
from orgs.options import OrgOption, org_choices

from ..models import AppraisalResult, Disposition
from .pipeline import date_field
from .training import MemberChoiceField


class AppraisalFilterForm(forms.Form):
    org = forms.ChoiceField(label=_("党组织"), required=False, widget=FastSelect)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=FIRST_YEAR)
    result = forms.ChoiceField(
        label=_("评议结果"),
        required=False,
        choices=[("", _("全部")), *AppraisalResult.choices],
    )

    def __init__(self, *args: Any, organizations: Sequence[OrgOption], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = org_choices(list(organizations))

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("不能晚于今年。"))
        return year


class AppraisalForm(ServiceErrorsMixin, forms.Form):
    """One member's result of one year; `members` is None when editing (the member and
    the year of a recorded result do not change)."""

    member = MemberChoiceField(label=_("党员"), queryset=None)
    result = forms.ChoiceField(
        label=_("评议结果"), choices=AppraisalResult.choices, widget=forms.RadioSelect
    )
    disposition = forms.ChoiceField(
        label=_("处置"),
        required=False,
        choices=[("", _("无")), *Disposition.choices],
        help_text=_(
            "仅“不合格”党员填写。系统只作记录，不会自动变更党籍状态；除名请另在党员信息中办理。"
        ),
    )
    disposition_on = date_field(
        _("处置日期"), required=False, help_text=_("填写处置时必填，不早于评议年度。")
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["member"]
        else:
            self.fields["member"].queryset = members

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("result", "disposition", "disposition_on", "note")}
