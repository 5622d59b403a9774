"""Forms of the 选派干部 pages, and the person fields every form of the people around the
teams starts from. The forms parse; the rules are in teams.services and come back as
field errors (ServiceErrorsMixin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import FastSelect, ServiceErrorsMixin
from core.submissions import SubmissionTokenField
from members.permissions import can_view_full_personal_data
from orgs.options import OrgOption, org_choices

from ..choices import PostingKind
from ..models import Posting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ID_NUMBER = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DATE,
        error_messages={"invalid": _("格式应为 YYYY-MM-DD，如 2026-03-01。")},
    )


class PersonForm(ServiceErrorsMixin, forms.ModelForm):
    """The name and ID number of a team record (teams.models.person.PersonRecord).

    The ID number is required here: it keys each of these tables. Adding carries a
    one-time token (a repeated post saves once). A user without the full-view permission
    never receives a full number: on edit it shows masked and cannot be changed (without
    an `id_number` field the model form leaves the stored number alone).
    """

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = self.instance.pk is not None
        number = self.fields["id_number"]
        number.required = True
        number.widget = ID_NUMBER
        number.help_text = _(
            "18 位，末位可为 X；与党员名册一致时自动关联党员档案并取名册中的姓名。"
        )
        for field in self.fields.values():
            # A select's empty choice says what it means rather than "---------".
            if isinstance(field, forms.ChoiceField) and field.choices and field.choices[0][0] == "":
                empty = _("请选择") if field.required else _("未填写")
                field.choices = [("", empty), *field.choices[1:]]
        if not self.editing:
            self.fields["submission"] = SubmissionTokenField()
        elif not can_view_full_personal_data(user):
            fields = {}
            for name, field in self.fields.items():
                if name == "id_number":
                    fields["id_number_masked"] = forms.CharField(
                        label=field.label,
                        required=False,
                        disabled=True,
                        initial=self.instance.masked_id_number,
                        help_text=_("您没有查看完整号码的权限，此处不能修改号码。"),
                    )
                else:
                    fields[name] = field
            self.fields = fields

    @property
    def shows_full_id_number(self) -> bool:
        """The page shows a stored number in full (the audit trail records it)."""
        return self.editing and "id_number" in self.fields


class PostingForm(PersonForm):
    class Meta:
        model = Posting
        fields = ["name", "id_number", "kind", "from_unit", "started_on", "ended_on"]
        widgets = {"started_on": DATE, "ended_on": DATE}
        help_texts = {
            "from_unit": _("如县农业农村局。"),
            "ended_on": _("选派期满或召回的日期；在岗的可填计划结束日期，或留空。"),
        }


class PostingEndForm(ServiceErrorsMixin, forms.Form):
    ended_on = date_field(_("结束日期"), help_text=_("结束当天起不再在岗。"))


class PeopleFilterForm(forms.Form):
    """?org=&q= and a list's own filters over the user's subtree; invalid values are
    reported and ignored. `defaults`: what a filter means when it is not given."""

    org = forms.ChoiceField(label=_("党组织（含下级）"), required=False, widget=FastSelect)
    q = forms.CharField(label=_("姓名"), required=False, max_length=30)
    defaults: dict[str, str] = {}

    def __init__(self, data: Any, *, organizations: list[OrgOption], unmasked: bool) -> None:
        super().__init__(data)
        self.fields["org"].choices = org_choices(organizations, _("全部（本人管辖范围）"))
        if unmasked:
            self.fields["q"].label = _("姓名或身份证号码")
        self.is_valid()

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name) or self.defaults.get(name, "")

    @property
    def is_filtered(self) -> bool:
        return any(self.value(name) != self.defaults.get(name, "") for name in self.fields)


class PostingFilterForm(PeopleFilterForm):
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), *PostingKind.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("serving", _("在岗")),
            ("ended", _("已结束")),
            ("upcoming", _("未到岗")),
            ("all", _("全部")),
        ],
    )
    defaults = {"status": "serving"}
