"""Forms of the organisation life pages. They parse and present; the rules (dates, head
counts, files) live in orgs.life.services and come back as field errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from core.forms import ServiceErrorsMixin
from core.periods import Quarter

from ..choices import MeetingKind
from .providers import takes_names

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "numeric", "pattern": "[0-9]*", "min": "0"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos at once (Django's documented pattern); a list, possibly empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class LifeRecordForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_lazy("会议类型"), choices=MeetingKind.choices)
    held_on = forms.DateField(label=_lazy("召开日期"), widget=DATE)
    topic = forms.CharField(
        label=_lazy("主题"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    expected = forms.IntegerField(
        label=_lazy("应到人数"),
        widget=forms.NumberInput(attrs=NUMBER),
        help_text=_lazy("已按本组织现有党员数预填，可修改。"),
    )
    # Not required here: when the names are recorded next, it starts as 应到 (everyone
    # present until marked otherwise); the service asks for it otherwise.
    present = forms.IntegerField(
        label=_lazy("实到人数"), required=False, widget=forms.NumberInput(attrs=NUMBER)
    )
    by_name = forms.BooleanField(
        label=_lazy("保存后按名单登记出席情况"),
        required=False,
        help_text=_lazy(
            "逐人登记出席、请假、缺席，默认全部出席；应到、实到人数按名单计算，"
            "实到人数可不填。支委会只按人数登记。"
        ),
    )
    minutes = forms.CharField(
        label=_lazy("会议记录"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    files = MultipleFileField(
        label=_lazy("照片或扫描件"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf", "multiple": True}),
        help_text=_lazy("可一次选多张；手机上可直接拍照。JPEG、PNG 图片或 PDF。"),
    )

    def __init__(
        self,
        *args: Any,
        attachments=(),
        editing: bool = False,
        can_name: bool = False,
        counts_from_names: bool = False,
        **kwargs: Any,
    ) -> None:
        """`can_name`: the organisation has members to list (a new record only);
        `counts_from_names`: the record's head counts follow its attendance by name."""
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        if editing:
            self.fields["expected"].help_text = ""  # prefilled only when entering a new one
        if can_name and not editing:
            self.fields["by_name"].initial = True
        else:
            del self.fields["by_name"]
        if counts_from_names:
            for name in ("expected", "present"):
                self.fields[name].disabled = True
            self.fields["present"].help_text = _lazy("已按名单登记出席，人数由出席名单计算。")
        self.attachments = list(attachments)
        if self.attachments:
            self.fields["remove"] = forms.TypedMultipleChoiceField(
                label=_lazy("删除已有附件"),
                required=False,
                coerce=int,
                choices=[(a.pk, a.original_name) for a in self.attachments],
                widget=forms.CheckboxSelectMultiple,
            )

    @property
    def names_next(self) -> bool:
        """Whether the names are recorded once the record is saved (asked for, and the
        kind of meeting takes names)."""
        data = self.cleaned_data
        return bool(data.get("by_name")) and takes_names(data.get("kind", ""))

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        present = data.get("present")
        if present is None and self.names_next:
            present = data["expected"]
        return {
            "kind": data["kind"],
            "held_on": data["held_on"],
            "topic": data["topic"],
            "expected": data["expected"],
            "present": present,
            "minutes": data.get("minutes", ""),
            "files": data.get("files") or [],
        }


#: years a quarter can be chosen from: this one and the five before
YEARS_BACK = 5


class QuarterForm(forms.Form):
    """?year=&quarter= of a page about one quarter. Unchosen or invalid parts fall back to
    `default` (this quarter unless given)."""

    year = forms.TypedChoiceField(label=_lazy("年度"), coerce=int, required=False)
    quarter = forms.TypedChoiceField(
        label=_lazy("季度"),
        coerce=int,
        required=False,
        choices=[(n, _lazy("第%(q)d季度") % {"q": n}) for n in (1, 2, 3, 4)],
    )

    def __init__(self, data=None, *, default: Quarter | None = None) -> None:
        super().__init__(data or None)
        today = timezone.localdate()
        self.default = default or Quarter.of(today)
        self.initial = {"year": self.default.year, "quarter": self.default.number}
        years = list(range(today.year, today.year - YEARS_BACK - 1, -1))
        if self.default.year not in years:
            years.insert(0, self.default.year)
        self.fields["year"].choices = [(y, y) for y in years]

    def selected_quarter(self) -> Quarter:
        if not self.is_bound or not self.is_valid():
            return self.default
        return Quarter(
            self.cleaned_data.get("year") or self.default.year,
            self.cleaned_data.get("quarter") or self.default.number,
        )


class LifeFilterForm(forms.Form):
    """The record list's filters (kind and year); invalid values are ignored."""

    kind = forms.ChoiceField(
        label=_lazy("会议类型"),
        required=False,
        choices=[("", _lazy("全部")), *MeetingKind.choices],
    )
    held_year = forms.TypedChoiceField(
        label=_lazy("召开年度"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, data=None, *, years: list[int]) -> None:
        super().__init__(data or None)
        self.fields["held_year"].choices = [("", _lazy("全部")), *((y, y) for y in years)]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"kind": "", "held_year": None}
        return {
            "kind": self.cleaned_data.get("kind") or "",
            "held_year": self.cleaned_data.get("held_year"),
        }
