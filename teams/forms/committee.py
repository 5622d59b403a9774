"""The committee forms of the team page: putting a person in post, and taking one out.
They parse and present; the rules live in teams.services.pages, whose refusals they show
beside the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from core.submissions import SubmissionTokenField

from ..choices import Origin, Position
from ..models import CommitteeMember

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_INVALID = _("请按 YYYY-MM-DD 填写日期。")
ID_NUMBER_WIDGET = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})


class CommitteeMemberForm(ServiceErrorsMixin, forms.ModelForm):
    """A person put in post by hand (appointed, posted, or elected before the portal kept
    elections); the same validation as the import (CommitteeMember.full_clean)."""

    submission = SubmissionTokenField()

    class Meta:
        model = CommitteeMember
        fields = ["name", "id_number", "position", "concurrent_post", "started_on", "origin"]
        widgets = {"id_number": ID_NUMBER_WIDGET, "started_on": DATE}
        help_texts = {
            "id_number": _("18 位，末位可为 X；与党员名册一致时自动关联党员档案，姓名以名册为准。"),
            "started_on": _("不能晚于今天。"),
        }
        error_messages = {
            "name": {"required": _("请填写姓名。")},
            "id_number": {"required": _("请填写公民身份号码。")},
            "position": {"required": _("请选择职务。")},
            "started_on": {"required": _("请填写任职日期。"), "invalid": DATE_INVALID},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Blank only for a 书记 known by name from the organisation's own columns.
        self.fields["id_number"].required = True
        self.fields["position"].choices = [("", _("请选择")), *Position.choices]
        self.fields["origin"].choices = [("", _("（未填写）")), *Origin.choices]


class EndMembershipForm(ServiceErrorsMixin, forms.Form):
    ended_on = forms.DateField(
        label=_("离任日期"),
        widget=DATE,
        help_text=_("离任当天起不再在任；不能晚于今天。"),
        error_messages={"required": _("请填写离任日期。"), "invalid": DATE_INVALID},
    )
    leave_reason = forms.CharField(
        label=_("离任原因"),
        max_length=100,
        help_text=_("如调任、辞职、免职、退休、去世。"),
        error_messages={"required": _("请填写离任原因。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
