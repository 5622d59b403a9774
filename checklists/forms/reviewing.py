"""Forms of the review pages. They parse and present; the bounds of a score, the
conflict check and the rules of approving live in checklists.reviewing."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.forms import ServiceErrorsMixin
from orgs.life.forms import QuarterForm

from ..choices import ListStatus
from ..models import ChecklistItem, Rectification
from ..reviewing.rectifications import REQUIREMENT_MAX, RESPONSIBLE_MAX
from ..reviewing.rules import default_review_quarter
from ..reviewing.services import COMMENT_MAX, ItemScore

DECISIONS = (
    ("save", _lazy("保存评分")),
    ("return", _lazy("退回修改")),
    ("approve", _lazy("审核通过")),
)
SHOW_CHOICES = (
    ("open", _lazy("未销号")),
    ("overdue", _lazy("已逾期未报告")),
    ("all", _lazy("全部")),
)


class ReviewFilterForm(QuarterForm):
    """?year=&quarter=&status= of the review list; invalid values fall back to defaults.
    Without a quarter chosen it opens on the quarter under review
    (checklists.reviewing.rules.default_review_quarter), not simply the current one."""

    status = forms.ChoiceField(
        label=_lazy("状态"),
        required=False,
        choices=[("", _lazy("全部"))] + list(ListStatus.choices),
    )

    def __init__(self, data=None, *, today: datetime.date) -> None:
        super().__init__(data, default=default_review_quarter(today))

    def status_value(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("status") or ""
        return ""


class ReviewForm(ServiceErrorsMixin, forms.Form):
    """Score, comment and 需整改 per item, the revision the page was built from, and the
    decision (which button was pressed)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # Set by the button pressed (name="decision"); Enter in a score field saves.
    decision = forms.ChoiceField(choices=DECISIONS, required=False)

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"score_{item.pk}"] = forms.CharField(
                label=_("第 %(n)s 项得分（0–%(points)s）")
                % {"n": item.position, "points": item.points},
                required=False,
                max_length=8,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "autocomplete": "off", "size": 5}
                ),
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("第 %(n)s 项审核意见 / 退回理由") % {"n": item.position},
                required=False,
                # The service checks the length and names the item in its message.
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": COMMENT_MAX}),
            )
            self.fields[f"rectify_{item.pk}"] = forms.BooleanField(
                label=_("需整改"), required=False
            )
            if not self.is_bound:
                self.initial.setdefault(
                    f"score_{item.pk}", "" if item.score is None else str(item.score)
                )
                self.initial.setdefault(f"comment_{item.pk}", item.review_comment)
                self.initial.setdefault(f"rectify_{item.pk}", item.needs_rectification)

    def rows(self) -> list[tuple[ChecklistItem, Any, Any, Any]]:
        """(item, score field, comment field, 需整改 field) for the template."""
        return [
            (item, self[f"score_{item.pk}"], self[f"comment_{item.pk}"], self[f"rectify_{item.pk}"])
            for item in self.items
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for item in self.items:
            key = f"score_{item.pk}"
            text = (data.get(key) or "").strip()
            if not text:
                data[key] = None
                continue
            try:
                data[key] = Decimal(text)
                if not data[key].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                self.add_error(key, _("第 %(n)s 项评分：请填写数字。") % {"n": item.position})
        return data

    def scores(self) -> dict[int, ItemScore]:
        data = self.cleaned_data
        return {
            item.pk: (
                data.get(f"score_{item.pk}"),
                data.get(f"comment_{item.pk}") or "",
                bool(data.get(f"rectify_{item.pk}")),
            )
            for item in self.items
        }


class RectificationFilterForm(forms.Form):
    show = forms.ChoiceField(label=_lazy("范围"), required=False, choices=SHOW_CHOICES)

    def show_value(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("show") or "open"
        return "open"


class RectificationForm(ServiceErrorsMixin, forms.Form):
    """The reviewer's changes to a rectification; the rules (required, the deadline not in
    the past, lengths) live in checklists.reviewing.rectifications.rectification_update."""

    requirement = forms.CharField(
        label=_lazy("整改要求"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": REQUIREMENT_MAX}),
    )
    deadline = forms.DateField(
        label=_lazy("整改期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _lazy("整改期限：请按 2026-05-31 的格式填写日期。")},
    )
    responsible_person = forms.CharField(
        label=_lazy("责任人"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": RESPONSIBLE_MAX, "autocomplete": "off"}),
    )

    @classmethod
    def for_rectification(cls, rectification: Rectification) -> RectificationForm:
        return cls(
            initial={
                "requirement": rectification.requirement,
                "deadline": rectification.deadline,
                "responsible_person": rectification.responsible_person,
            }
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "requirement": data.get("requirement") or "",
            "deadline": data.get("deadline"),
            "responsible_person": data.get("responsible_person") or "",
        }
