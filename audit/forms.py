"""The audit page's filters."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.years import check_year

from .models import AuditKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("事件"), required=False, choices=[("", _("全部事件")), *AuditKind.choices]
    )
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=DATE)

    def _date_in_range(self, name: str) -> datetime.date | None:
        # A crafted year (0001, 9999) is refused before any date arithmetic.
        value = self.cleaned_data.get(name)
        if value is not None:
            check_year(value.year)
        return value

    def clean_date_from(self) -> datetime.date | None:
        return self._date_in_range("date_from")

    def clean_date_to(self) -> datetime.date | None:
        return self._date_in_range("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        return data

    def filter_kwargs(self) -> dict[str, Any]:
        """The valid filters (a field with an error is left out and its message shown)."""
        self.is_valid()
        data = self.cleaned_data
        if self.non_field_errors():
            data = {**data, "date_from": None, "date_to": None}
        return {
            "kind": data.get("kind") or "",
            "username": (data.get("username") or "").strip(),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }

    @property
    def is_filtered(self) -> bool:
        return any(self.filter_kwargs().values())
