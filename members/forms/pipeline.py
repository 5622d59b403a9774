"""Forms of the development pipeline pages. They only collect input: every rule (gates,
intervals, age, scope) is checked by members.services.pipeline, whose ValidationError is
put back onto the form with `add_service_error`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from core.submissions import SubmissionTokenField
from orgs.models import Organization
from orgs.options import OrganizationChoiceField

from ..models import DevelopmentCase, Stage

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=DATE_WIDGET)


PERSON_FIELDS = ["name", "id_number", "gender", "ethnicity", "education", "job", "phone"]


class CaseCreateForm(ServiceErrorsMixin, forms.Form):
    organization = OrganizationChoiceField(
        indented=True,
        queryset=Organization.objects.none(),
        label=_("培养党组织"),
        help_text=_("只能选择您管辖范围内的组织。"),
    )
    applied_on = date_field(_("递交入党申请日期"))
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    submission = SubmissionTokenField()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = forms.fields_for_model(DevelopmentCase, fields=PERSON_FIELDS)
        # The person first, then the organisation and dates, as on the paper form.
        ordered = {**person, **self.fields}
        self.fields = ordered
        self.fields["id_number"].help_text = _("18 位，出生日期和性别将据此核对。")
        self.fields["organization"].queryset = Organization.objects.editable_by(user).order_by(
            "path"
        )


# What each stage's form asks, besides the date of the gate.
GATE_LABELS = {
    Stage.ACTIVIST: _("确定为入党积极分子日期"),
    Stage.CANDIDATE: _("确定为发展对象日期"),
    Stage.PROBATIONARY: _("支部大会讨论接收为预备党员日期"),
    Stage.FULL: _("支部大会讨论转为正式党员日期"),
}


class AdvanceForm(ServiceErrorsMixin, forms.Form):
    """The next gate of a case; 预备党员 also asks for 政审 and the introducers."""

    on = date_field(_("日期"))
    note = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=200,
        help_text=_("如支部委员会或支部大会的会议记录编号。"),
    )

    def __init__(self, *args: Any, case: DevelopmentCase, stage: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = GATE_LABELS[stage]
        if stage == Stage.PROBATIONARY:
            self.fields["political_review_on"] = date_field(_("政治审查完成日期"), required=False)
            self.fields["political_review_result"] = forms.CharField(
                label=_("政审结论"), required=False, max_length=200
            )
            self.fields["introducers"] = forms.CharField(
                label=_("入党介绍人"),
                required=False,
                max_length=100,
                help_text=_("正式党员的姓名，用“、”分隔。"),
            )
            self.initial.setdefault("political_review_on", case.political_review_on)
            self.initial.setdefault("political_review_result", case.political_review_result)
            self.initial.setdefault("introducers", case.introducers)
            self.order_fields(
                ["on", "political_review_on", "political_review_result", "introducers", "note"]
            )

    def details(self) -> dict[str, Any]:
        """The keyword arguments of case_advance besides case, user and stage."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "on" and (name != "note" or value)
        }


class ExtendProbationForm(ServiceErrorsMixin, forms.Form):
    months = forms.IntegerField(label=_("延长月数"), min_value=1, max_value=12)
    reason = forms.CharField(
        label=_("延长原因"), max_length=150, help_text=_("支部大会的决定及理由。")
    )


class CloseCaseForm(ServiceErrorsMixin, forms.Form):
    on = date_field(_("终止培养日期"))
    reason = forms.CharField(label=_("终止原因"), max_length=200)


class CaseTrainingForm(ServiceErrorsMixin, forms.Form):
    course = forms.CharField(label=_("课程或培训名称"), max_length=100)
    hours = forms.DecimalField(
        label=_("学时"), max_digits=5, decimal_places=1, min_value=0.5, max_value=500
    )
    attended_on = date_field(_("培训日期"))


class CaseFilterForm(forms.Form):
    """The list's GET filters; invalid values are ignored rather than shown as errors."""

    q = forms.CharField(label=_("姓名"), required=False, max_length=30)
    stage = forms.ChoiceField(
        label=_("当前阶段"), required=False, choices=[("", _("全部")), *Stage.choices]
    )
    org = forms.ChoiceField(label=_("党组织（含下级）"), required=False)
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("", _("培养中")),
            ("stalled", _("超期未推进")),
            ("closed", _("已终止")),
            ("all", _("全部")),
        ],
    )

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", _("全部")), *org_choices]

    def value(self, name: str) -> str:
        """The cleaned value of one filter; a field with a bad value counts as unset."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get(name) or ""
