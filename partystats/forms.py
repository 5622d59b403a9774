"""The chooser of the statistics page: an organisation of the user's scope and a day."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import FastSelect
from core.years import FIRST_YEAR
from orgs.options import OrgOption, org_choices

#: 1 July 1921, the founding of the Party: no statistics can be asked for before it
EARLIEST = datetime.date(FIRST_YEAR, 7, 1)


def default_as_of(today: datetime.date | None = None) -> datetime.date:
    """Until the end of March the annual report of the year before is being compiled: its
    31 December; from April, today."""
    today = today or timezone.localdate()
    if today.month <= 3:
        return datetime.date(today.year - 1, 12, 31)
    return today


class StatisticsForm(forms.Form):
    org = forms.CharField(label=_("党组织（含下级）"), required=False, widget=FastSelect)
    as_of = forms.DateField(
        label=_("统计截至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请填写有效的日期，如 2026-12-31。")},
    )

    def __init__(
        self, data: Any, *, organizations: list[OrgOption], initial: dict | None = None
    ) -> None:
        super().__init__(data, initial=initial)
        self.fields["org"].widget.choices = org_choices(organizations)

    def clean_as_of(self) -> datetime.date:
        day = self.cleaned_data.get("as_of") or default_as_of()
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(
                _("统计截至日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}
            )
        if day < EARLIEST:
            raise forms.ValidationError(_("统计截至日期不能早于 1921 年 7 月 1 日。"))
        return day
