"""Forms of the transfer and mobile-member pages; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from orgs.models import Organization
from orgs.options import OrganizationChoiceField
from orgs.scope import PATH_STEP

from ..models import Member, TransferKind
from .pipeline import date_field
from .roster import DATE

ACCEPT, RETURN = "accept", "return"


class TransferForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("转接类型"),
        # Arrivals from outside the county are registered by the receiver (InboundForm).
        choices=[(k, label) for k, label in TransferKind.choices if k != TransferKind.INBOUND],
        initial=TransferKind.INTERNAL,
        widget=forms.RadioSelect,
    )
    to_organization = OrganizationChoiceField(
        indented=True,
        queryset=Organization.objects.none(),
        label=_("县内接收党组织"),
        required=False,
        help_text=_("县内转接时选择；对方接收前，该党员仍由本组织管理。"),
    )
    destination = forms.CharField(
        label=_("转往单位（本县以外）"),
        required=False,
        max_length=200,
        help_text=_("转出本县时填写接收党组织全称；保存后党籍状态即为“已转出”。"),
    )
    reason = forms.CharField(label=_("转接原因"), max_length=200)
    on = date_field(_("申请日期"))

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        # The receiving organisation usually lies outside the sender's own scope, so the
        # choice is the whole county tree (names and codes only, no member data).
        county = member.organization.path[:PATH_STEP]
        self.fields["to_organization"].queryset = (
            Organization.objects.within(county).exclude(pk=member.organization_id).order_by("path")
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        target: dict[str, Any] = (
            {"to_organization": data["to_organization"]}
            if data["kind"] == TransferKind.INTERNAL
            else {"destination": data["destination"]}
        )
        return {"reason": data["reason"], "on": data["on"], **target}

    def service_error_field(self, key: str) -> str | None:
        # The service names the internal target; on an outbound transfer the field the
        # user filled in is the destination.
        if key == "to_organization" and self.cleaned_data.get("kind") == TransferKind.OUTBOUND:
            key = "destination"
        return super().service_error_field(key)


class DecideForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("办理意见"),
        choices=[(ACCEPT, _("接收")), (RETURN, _("退回"))],
        widget=forms.RadioSelect,
    )
    on = date_field(_("办结日期"))
    note = forms.CharField(
        label=_("说明"), required=False, max_length=200, help_text=_("退回时必须填写原因。")
    )

    def __init__(self, *args: Any, inbound: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        if inbound:
            # An arrival from outside the county is confirmed when the member reports.
            self.fields["decision"].choices = [(ACCEPT, _("确认报到")), (RETURN, _("退回"))]
            self.fields["on"].label = _("报到日期")


class InboundForm(ServiceErrorsMixin, forms.ModelForm):
    """A member arriving from outside the county: the sending unit's 介绍信 and the
    person's details, checked as the roster checks them (Member.clean). Whether the person
    is already on the roster is the service's to say (one answer, never where)."""

    to_organization = OrganizationChoiceField(
        indented=True,
        queryset=Organization.objects.none(),
        label=_("接收党组织"),
        help_text=_("只能选择您管辖范围内的组织；确认报到后，该党员在此组织在册。"),
    )
    origin = forms.CharField(
        label=_("转出党组织（县外）"),
        max_length=200,
        help_text=_("介绍信落款的转出党组织全称。"),
    )
    origin_letter_number = forms.CharField(label=_("介绍信编号"), max_length=50)
    origin_letter_date = date_field(_("介绍信日期"))
    on = date_field(_("收到介绍信日期"))
    reason = forms.CharField(label=_("转接原因"), max_length=200, initial=_("工作调动"))

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
            "category",
            "joined_on",
            "confirmed_on",
        ]
        widgets = {
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "birth_date": DATE,
            "joined_on": DATE,
            "confirmed_on": DATE,
        }
        help_texts = {
            "id_number": _("18 位，末位可为 X；出生日期和性别须与号码一致。"),
            "birth_date": _("可留空，将取自身份证号码。"),
            "joined_on": _("按介绍信和党员档案填写。"),
            "confirmed_on": _("正式党员必填，须在入党满一年之后；预备党员留空。"),
        }

    TRANSFER_FIELDS = (
        "to_organization",
        "origin",
        "origin_letter_number",
        "origin_letter_date",
        "on",
        "reason",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        self.fields["to_organization"].queryset = Organization.objects.editable_by(user).order_by(
            "path"
        )

    def validate_unique(self) -> None:
        # A number already on the roster may be a member coming back: the service decides.
        pass

    def transfer_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.TRANSFER_FIELDS]

    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "person": self.instance,
            **{name: data[name] for name in self.TRANSFER_FIELDS},
        }


class LetterForm(ServiceErrorsMixin, forms.Form):
    """The 介绍信's date and 有效期; the number is given by the service."""

    on = date_field(_("开具日期"))
    valid_days = forms.IntegerField(
        label=_("有效期（天）"),
        min_value=1,
        max_value=90,
        help_text=_("一般 30 天，最长不超过 3 个月（90 天）。"),
    )

    def __init__(self, *args: Any, valid_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        self.initial.setdefault("valid_days", valid_days)


class ReceiptForm(ServiceErrorsMixin, forms.Form):
    on = date_field(_("回执日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())


class ContactForm(ServiceErrorsMixin, forms.Form):
    on = date_field(_("联系日期"))
