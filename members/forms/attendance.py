"""Forms of the attendance page: one radio group per listed member (出席 by default) with
the reason of a 请假, and the choice of the 党小组 of a 党小组会. They parse and present;
the rules live in members.services.attendance and come back as field errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin

from ..models import AttendanceStatus, PartyGroup
from ..models.attendance import REASON_MAX
from ..services.attendance import AttendanceEntry, AttendanceLine


class AttendanceForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, data=None, *, lines: Sequence[AttendanceLine]) -> None:
        super().__init__(data)
        self.lines = list(lines)
        for line in self.lines:
            pk = line.member.pk
            # Not required: a member listed since the page was opened has no answer yet
            # and is simply not recorded.
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label=line.member.name,
                choices=AttendanceStatus.choices,
                initial=line.status,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("请假事由"),
                initial=line.reason,
                required=False,
                max_length=REASON_MAX,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def rows(self) -> list[tuple[AttendanceLine, BoundField, BoundField]]:
        return [
            (line, self[f"status_{line.member.pk}"], self[f"reason_{line.member.pk}"])
            for line in self.lines
        ]

    def entries(self) -> list[AttendanceEntry]:
        data = self.cleaned_data
        return [
            AttendanceEntry(
                member_id=line.member.pk,
                status=data[f"status_{line.member.pk}"],
                reason=data.get(f"reason_{line.member.pk}") or "",
            )
            for line in self.lines
            if data.get(f"status_{line.member.pk}")
        ]


class GroupChoiceForm(forms.Form):
    """?group= of a 党小组会: which group met. An unknown group is no group."""

    group = forms.TypedChoiceField(label=_("党小组"), coerce=int, required=False)

    def __init__(self, data: Any, *, groups: Sequence[PartyGroup]) -> None:
        super().__init__(data or None)
        self.groups = {g.pk: g for g in groups}
        self.fields["group"].choices = [("", _("请选择")), *((g.pk, g.name) for g in groups)]

    def selected(self) -> PartyGroup | None:
        if not self.is_bound or not self.is_valid():
            return None
        return self.groups.get(self.cleaned_data.get("group"))
