"""The portal's member form: the same validation as the importer (Member.full_clean)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from core.submissions import SubmissionTokenField
from orgs.models import Organization
from orgs.options import OrganizationChoiceField

from ..models import Member
from ..permissions import can_view_full_personal_data

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

FIELDSETS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (
        _("基本信息"),
        (
            "name",
            "id_number",
            "id_number_masked",
            "gender",
            "ethnicity",
            "birth_date",
            "education",
            "job",
            "phone",
        ),
    ),
    (
        _("党籍信息"),
        (
            "organization",
            "category",
            "joined_on",
            "confirmed_on",
            "status",
            "status_changed_on",
            "status_note",
        ),
    ),
    (
        _("流动与帮扶"),
        (
            "is_mobile",
            "mobile_destination",
            "last_contact_on",
            "is_in_hardship",
            "hardship_kind",
        ),
    ),
    (_("修改说明"), ("change_reason",)),
)


class MemberForm(ServiceErrorsMixin, forms.ModelForm):
    """Creates or edits a member inside the organisations the user may edit.

    A user without the full-view permission never receives a full ID number or phone in
    the page: on edit the ID number is shown masked and cannot be changed, and the phone
    field starts empty; leaving it empty keeps the stored number, typing one replaces it.
    """

    # The version the user started from: a save on top of someone else's newer change is
    # refused (members.services.roster.EditConflict) instead of silently undoing it.
    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)
    conflict = False  # set by the view when the service refused a stale save
    change_reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        max_length=100,
        help_text=_("可选，记入该党员的修改记录。"),
    )

    class Meta:
        model = Member
        fields = [
            "name",
            "id_number",
            "gender",
            "ethnicity",
            "birth_date",
            "education",
            "job",
            "phone",
            "organization",
            "category",
            "joined_on",
            "confirmed_on",
            "status",
            "status_changed_on",
            "status_note",
            "is_mobile",
            "mobile_destination",
            "last_contact_on",
            "is_in_hardship",
            "hardship_kind",
        ]
        field_classes = {"organization": OrganizationChoiceField}
        widgets = {
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "birth_date": DATE,
            "joined_on": DATE,
            "confirmed_on": DATE,
            "status_changed_on": DATE,
            "last_contact_on": DATE,
        }
        help_texts = {
            "id_number": _("18 位，末位可为 X；出生日期和性别须与号码一致。"),
            "birth_date": _("可留空，将取自身份证号码。"),
            "confirmed_on": _("正式党员必填，须在入党满一年之后；预备党员留空。"),
            "phone": _("11 位手机号码，可不填。"),
            "mobile_destination": _("流动党员必填。"),
            "status_changed_on": _("党籍状态不是“在册”时必填。"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = Organization.objects.editable_by(user).order_by(
            "path"
        )
        self.editing = self.instance.pk is not None
        self.protects_personal_data = self.editing and not can_view_full_personal_data(user)
        if not self.editing:
            del self.fields["change_reason"]
            del self.fields["loaded_version"]
            self.fields["submission"] = SubmissionTokenField()
        else:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()
        if self.protects_personal_data:
            self._protect_personal_data()

    def _protect_personal_data(self) -> None:
        fields = {}
        for name, form_field in self.fields.items():
            if name == "id_number":
                # A display-only field in its place: with no `id_number` field the model
                # form leaves the stored number alone.
                fields["id_number_masked"] = forms.CharField(
                    label=form_field.label,
                    required=False,
                    disabled=True,
                    initial=self.instance.masked_id_number,
                    help_text=_("您没有查看完整号码的权限，此处不能修改号码。"),
                )
            else:
                fields[name] = form_field
        self.fields = fields
        self.initial["phone"] = ""
        self.fields["phone"].help_text = _("留空表示不修改")
        if self.instance.phone:
            self.fields["phone"].widget.attrs["placeholder"] = self.instance.masked_phone

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "")
        if self.protects_personal_data and not phone:
            return self.instance.phone
        return phone

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The bound fields in groups for the template, skipping absent ones."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in FIELDSETS
            if any(name in self.fields for name in names)
        ]
