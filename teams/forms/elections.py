"""The election forms: an election with the committee it elected (one form and a formset
of its members, to which rows can be added without losing what was typed), and its
approval. They parse and present; the rules live in teams.services.pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from core.submissions import SubmissionTokenField
from members.models.member import id_number_validator, name_validator

from ..choices import ElectionMethod, Position
from ..models import CommitteeMember, Election
from ..services.elections import ElectedMember
from .committee import DATE, DATE_INVALID, ID_NUMBER_WIDGET

ELECTED_PREFIX = "elected"
#: the posts the empty rows start with (a row left with only its post is not saved)
DEFAULT_POSTS = (
    Position.SECRETARY,
    Position.DEPUTY,
    Position.ORGANIZATION,
    Position.PUBLICITY,
    Position.DISCIPLINE,
)
#: rows the form holds at most (a 党委 of a large county elects more than a branch)
MAX_ROWS = 30


class ElectionForm(ServiceErrorsMixin, forms.ModelForm):
    submission = SubmissionTokenField()

    class Meta:
        model = Election
        fields = [
            "session",
            "held_on",
            "expected",
            "present",
            "method",
            "candidates",
            "seats",
            "approved_on",
        ]
        widgets = {
            "held_on": DATE,
            "approved_on": DATE,
            "expected": forms.NumberInput(attrs={"min": 0}),
            "present": forms.NumberInput(attrs={"min": 0}),
            "candidates": forms.NumberInput(attrs={"min": 0}),
            "seats": forms.NumberInput(attrs={"min": 0}),
        }
        help_texts = {
            "held_on": _("不能晚于今天；须晚于本组织最近一次选举。"),
            "present": _("须超过应到人数的一半，选举才有效。"),
            "candidates": _("差额选举多于应选人数，等额选举等于应选人数。"),
            "approved_on": _(
                "上级党组织已批复的填写；也可以以后再登记。批复后任期从选举日期起算。"
            ),
        }
        error_messages = {
            "held_on": {"required": _("请填写选举日期。"), "invalid": DATE_INVALID},
            "expected": {"required": _("请填写应到人数。"), "invalid": _("请填写整数。")},
            "present": {"required": _("请填写实到人数。"), "invalid": _("请填写整数。")},
            "method": {"required": _("请选择选举方式。")},
            "candidates": {"invalid": _("请填写整数。")},
            "seats": {"invalid": _("请填写整数。")},
            "approved_on": {"invalid": DATE_INVALID},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [("", _("请选择")), *ElectionMethod.choices]


def _person_field(name: str, **kwargs: Any) -> forms.Field:
    return CommitteeMember._meta.get_field(name).formfield(**kwargs)


class ElectedMemberForm(forms.Form):
    """One elected member; a row left blank (its post aside) is not saved."""

    position = _person_field("position", error_messages={"required": _("请选择职务。")})
    name = _person_field(
        "name", validators=[name_validator], error_messages={"required": _("请填写姓名。")}
    )
    id_number = _person_field(
        "id_number",
        required=True,
        validators=[id_number_validator],
        widget=ID_NUMBER_WIDGET,
        error_messages={"required": _("请填写公民身份号码。")},
    )
    concurrent_post = _person_field("concurrent_post", help_text="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [("", _("请选择")), *Position.choices]

    def elected(self) -> ElectedMember:
        data = self.cleaned_data
        return ElectedMember(
            name=data["name"],
            id_number=data["id_number"],
            position=data["position"],
            concurrent_post=data.get("concurrent_post") or "",
        )


class BaseElectedFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, rows: list[dict[str, str]] | None = None, **kwargs: Any) -> None:
        """`rows`: what an unbound formset shows, one dict a row (rows carried over from
        a post that asked for one more row); default: empty rows of DEFAULT_POSTS."""
        kwargs.setdefault("prefix", ELECTED_PREFIX)
        super().__init__(*args, **kwargs)
        self.rows = rows if rows is not None else [{"position": p} for p in DEFAULT_POSTS]
        self.extra = len(self.rows)

    def get_form_kwargs(self, index: int) -> dict[str, Any]:
        # The default posts are each row's initial value, so that a row holding only its
        # post counts as unchanged (and is skipped) when posted.
        if self.is_bound:
            default = DEFAULT_POSTS[index] if index < len(DEFAULT_POSTS) else ""
            return {"initial": {"position": default}}
        return {"initial": self.rows[index] if index < len(self.rows) else {}}

    def committee(self) -> list[ElectedMember]:
        """The filled rows of a valid formset, in their order."""
        return [form.elected() for form in self.forms if form.has_changed()]

    def add_service_errors(self, messages: list[Any]) -> None:
        """A service's refusals of the committee as a whole, shown above the rows."""
        self.non_form_errors().extend(ValidationError(messages).messages)


ElectedFormSet = forms.formset_factory(
    ElectedMemberForm,
    formset=BaseElectedFormSet,
    extra=len(DEFAULT_POSTS),
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


def rows_posted(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The committee rows of a posted form as typed, plus an empty one (the "再加一行"
    button); at most MAX_ROWS."""
    try:
        total = int(data.get(f"{ELECTED_PREFIX}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        total = 0
    total = max(0, min(total, MAX_ROWS))
    fields = list(ElectedMemberForm.base_fields)
    rows = [
        {field: data.get(f"{ELECTED_PREFIX}-{index}-{field}", "") for field in fields}
        for index in range(total)
    ]
    if len(rows) < MAX_ROWS:
        rows.append({})
    return rows


def fields_posted(data: Mapping[str, Any]) -> dict[str, str]:
    """The election's fields as typed (shown again, unvalidated, with the extra row);
    the one-time token too, so that the form still saves once."""
    return {name: data.get(name, "") for name in ElectionForm.base_fields}


class ApproveElectionForm(ServiceErrorsMixin, forms.Form):
    approved_on = forms.DateField(
        label=_("上级批复日期"),
        widget=DATE,
        help_text=_("不能早于选举日期，也不能晚于今天。批复后任期从选举日期起算。"),
        error_messages={"required": _("请填写批复日期。"), "invalid": DATE_INVALID},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"approved_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
