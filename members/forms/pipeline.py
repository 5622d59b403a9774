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
# The case's fields each stage's form starts from (form field → case field).
STEP_FIELDS = {
    Stage.ACTIVIST: {"talked_on": "talked_on"},
    Stage.CANDIDATE: {},
    Stage.PROBATIONARY: {
        "political_review_on": "political_review_on",
        "political_review_result": "political_review_result",
        "publicity_from": "admission_publicity_from",
        "publicity_to": "admission_publicity_to",
        "pre_review_on": "pre_review_on",
        "introducers": "introducers",
    },
    Stage.FULL: {
        "publicity_from": "confirmation_publicity_from",
        "publicity_to": "confirmation_publicity_to",
    },
}


class AdvanceForm(ServiceErrorsMixin, forms.Form):
    """The next gate of a case, with the steps that must come before it: the talk before
    the 积极分子 step; 政审, 公示, 预审 and the introducers before the 支部大会 admits; the
    公示 before the 支部大会 discusses 转正."""

    on = date_field(_("日期"))
    note = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=200,
        help_text=_("如支部委员会或支部大会的会议记录编号。"),
    )

    def __init__(
        self, *args: Any, case: DevelopmentCase, stage: str, publicity_days: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = GATE_LABELS[stage]
        publicity_help = _("不少于 %(n)d 个工作日（周一至周五），支部大会须在公示结束后召开。") % {
            "n": publicity_days
        }
        extra = {
            "talked_on": date_field(
                _("党组织派人谈话日期"),
                required=False,
                help_text=_("收到入党申请后党组织派人同申请人谈话的日期。"),
            ),
            "political_review_on": date_field(_("政治审查完成日期"), required=False),
            "political_review_result": forms.CharField(
                label=_("政审结论"), required=False, max_length=200
            ),
            "publicity_from": date_field(_("公示开始日期"), required=False),
            "publicity_to": date_field(_("公示结束日期"), required=False, help_text=publicity_help),
            "pre_review_on": date_field(
                _("上级党委预审日期"),
                required=False,
                help_text=_("上级党委预审合格后才能提交支部大会讨论。"),
            ),
            "introducers": forms.CharField(
                label=_("入党介绍人"),
                required=False,
                max_length=100,
                help_text=_("两名正式党员的姓名，用“、”分隔；须在本组织（含下级组织）党员名册中。"),
            ),
        }
        for name, case_field in STEP_FIELDS[stage].items():
            self.fields[name] = extra[name]
            self.initial.setdefault(name, getattr(case, case_field))
        self.order_fields(["on", *STEP_FIELDS[stage], "note"])

    def details(self) -> dict[str, Any]:
        """The keyword arguments of case_advance besides case, user and stage."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "on" and (name != "note" or value)
        }


class ExtendProbationForm(ServiceErrorsMixin, forms.Form):
    # No upper bound here: the service refuses with the rule and its figure.
    months = forms.IntegerField(label=_("延长月数"), min_value=1)
    reason = forms.CharField(
        label=_("延长原因"), max_length=150, help_text=_("支部大会的决定及理由。")
    )


class ApprovalForm(ServiceErrorsMixin, forms.Form):
    """The 上级党委's 审批 of an admission, with its talk before it."""

    committee_talk_on = date_field(
        _("上级党委派人谈话日期"),
        required=False,
        help_text=_("审批前上级党委派人同发展对象谈话的日期。"),
    )
    approved_on = date_field(_("上级党委审批日期"))


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
