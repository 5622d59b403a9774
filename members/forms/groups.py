"""The form of a 党小组: name, 组长, members and the day it was set up. It parses and
presents; the rules live in members.services.groups and come back as field errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin

from ..models import Member
from ..models.groups import NAME_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartyGroupForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("党小组名称"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("如：第一党小组")}),
    )
    members = forms.TypedMultipleChoiceField(
        label=_("组员"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    leader = forms.TypedChoiceField(label=_("组长"), coerce=int, empty_value=None)
    formed_on = forms.DateField(label=_("设立日期"), widget=DATE)

    def __init__(
        self, *args: Any, candidates: Sequence[Member], elsewhere: dict[int, str], **kwargs: Any
    ) -> None:
        """`candidates`: the branch's current members; `elsewhere`: those already in another
        group of the branch (member id → its name), which are not offered."""
        super().__init__(*args, **kwargs)
        free = [m for m in candidates if m.pk not in elsewhere]
        self.fields["members"].choices = [(m.pk, m.name) for m in free]
        self.fields["leader"].choices = [("", _("请选择")), *((m.pk, m.name) for m in free)]
        self.fields["formed_on"].initial = timezone.localdate()
        self.taken = [(m.name, elsewhere[m.pk]) for m in candidates if m.pk in elsewhere]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "leader_id": data.get("leader"),
            "member_ids": data.get("members") or [],
            "formed_on": data["formed_on"],
        }
