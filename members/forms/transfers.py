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

ACCEPT, RETURN = "accept", "return"


class TransferForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("转接类型"),
        choices=TransferKind.choices,
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())


class ContactForm(ServiceErrorsMixin, forms.Form):
    on = date_field(_("联系日期"))
