"""Forms of the review pages. They parse and present; the bounds of a score, the
conflict check and the rules of approving live in assessments.reviewing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from orgs.life_forms import QuarterForm

from .checklist_models import ChecklistItem
from .choices import ListStatus
from .reviewing import COMMENT_MAX, ItemScore

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
    """?year=&quarter=&status= of the review list; invalid values fall back to defaults."""

    status = forms.ChoiceField(
        label=_lazy("状态"),
        required=False,
        choices=[("", _lazy("全部"))] + list(ListStatus.choices),
    )

    def status_value(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("status") or ""
        return ""


class ReviewForm(forms.Form):
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
