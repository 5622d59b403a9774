"""The form of a 标准化规范化 score sheet. The sheet's rules live in
`assessments.standards.services`; the form only reads the inputs and shows the service's
messages beside the dimension they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from core.forms import ServiceErrorsMixin
from orgs.models import Organization

from ..models import StandardDimension, StandardScoreSheet
from .selectors import sheet_points
from .services import score_sheet_save


def field_name(code: str) -> str:
    return f"score_{code}"


class ScoreSheetForm(ServiceErrorsMixin, forms.Form):
    """One number input per configured dimension, with its maximum."""

    assessed_on = forms.DateField(
        label=_lazy("评定日期"),
        required=False,  # the service says it is missing, in the same words as elsewhere
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _lazy("评定日期格式应为 年-月-日，如 2025-01-31。")},
    )
    comment = forms.CharField(label=_lazy("评价意见"), required=False, widget=forms.Textarea)

    def __init__(
        self,
        data=None,
        *,
        user: Any,
        organization: Organization,
        year: int,
        dimensions: list[StandardDimension],
        sheet: StandardScoreSheet | None,
    ):
        points = sheet_points(sheet)
        initial: dict[str, Any] = {
            "assessed_on": sheet.assessed_on if sheet else timezone.localdate(),
            "comment": sheet.comment if sheet else "",
        }
        super().__init__(data, initial=initial)
        self.user, self.organization, self.year = user, organization, year
        self.dimensions = dimensions
        for dimension in dimensions:
            name = field_name(dimension.code)
            # A text field: the service names the dimension when the value is not a number.
            self.fields[name] = forms.CharField(
                label=dimension.name,
                required=False,
                help_text=_lazy("满分 %(max)d 分，最多一位小数") % {"max": dimension.max_points},
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": dimension.max_points, "step": "0.1"}
                ),
            )
            if dimension.code in points:
                self.initial[name] = points[dimension.code]
        self.order_fields([field_name(d.code) for d in dimensions] + ["assessed_on", "comment"])

    @property
    def score_fields(self):
        return [self[field_name(d.code)] for d in self.dimensions]

    def save(self) -> StandardScoreSheet | None:
        """The saved sheet, or None with the errors on the form (nothing saved)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        scores = {
            d.code: data.get(field_name(d.code), "")
            for d in self.dimensions
            if data.get(field_name(d.code), "") != ""
        }
        try:
            return score_sheet_save(
                user=self.user,
                organization=self.organization,
                year=self.year,
                scores=scores,
                comment=data.get("comment", ""),
                assessed_on=data.get("assessed_on"),
            )
        except ValidationError as exc:
            self.add_service_error(exc)
            return None

    def service_error_field(self, key: str) -> str | None:
        # The service names a dimension by its code.
        return super().service_error_field(
            field_name(key) if field_name(key) in self.fields else key
        )
