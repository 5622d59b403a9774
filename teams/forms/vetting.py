"""Forms of the candidates' pages: proposing a candidate, recording a body's result of the
资格联审, the 县级备案 date, and the filters of the subtree's list. The rules are in
teams.services.vetting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin

from ..choices import Position, VettingBody
from ..models import Candidate
from ..people_selectors import CANDIDATE_STATE_LABELS
from .postings import DATE, PeopleFilterForm, PersonForm, date_field


class CandidateForm(PersonForm):
    class Meta:
        model = Candidate
        fields = ["name", "id_number", "position", "proposed_on", "notes"]
        widgets = {"proposed_on": DATE}


class VettingCheckForm(ServiceErrorsMixin, forms.Form):
    """One body's result; a second result of the same body replaces the first."""

    body = forms.ChoiceField(label=_("联审单位"), choices=[("", _("请选择")), *VettingBody.choices])
    passed = forms.TypedChoiceField(
        label=_("联审结果"),
        choices=[("yes", _("通过")), ("no", _("未通过"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("意见或未通过原因"),
        required=False,
        max_length=200,
        help_text=_("未通过时必须填写。"),
    )
    checked_on = date_field(_("联审日期"), required=False)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("body", "passed", "reason", "checked_on")}


class FilingForm(ServiceErrorsMixin, forms.Form):
    filed_on = date_field(
        _("县级备案日期"), required=False, help_text=_("资格联审通过后，县委组织部备案的日期。")
    )


class CandidateFilterForm(PeopleFilterForm):
    state = forms.ChoiceField(
        label=_("联审与备案"),
        required=False,
        choices=[("", _("全部")), *CANDIDATE_STATE_LABELS.items()],
    )
    position = forms.ChoiceField(
        label=_("拟任职务"), required=False, choices=[("", _("全部")), *Position.choices]
    )
