"""The form of the 述职评议 page: the grade staff give and their comment. The rules live
in `assessments.secretary_reviews.services`; the form shows the service's messages by
field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _lazy

from core.forms import ServiceErrorsMixin
from orgs.models import Organization

from ..choices import ReviewGrade
from ..models import SecretaryReview
from .services import review_save


class SecretaryReviewForm(ServiceErrorsMixin, forms.Form):
    grade = forms.ChoiceField(
        label=_lazy("评定等次"),
        choices=ReviewGrade.choices,
        required=False,  # the service says it is missing, in the same words as elsewhere
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_lazy("评议意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_lazy("评定等次与建议等次不同时必须说明理由。"),
    )

    def __init__(
        self,
        data=None,
        *,
        user: Any,
        organization: Organization,
        year: int,
        review: SecretaryReview | None,
        suggested: str,
    ):
        initial = {
            "grade": review.grade if review else suggested,
            "comment": review.comment if review else "",
        }
        super().__init__(data, initial=initial)
        self.user, self.organization, self.year = user, organization, year

    def save(self) -> SecretaryReview | None:
        """The saved review, or None with the errors on the form (nothing saved)."""
        if not self.is_valid():
            return None
        try:
            return review_save(
                user=self.user,
                organization=self.organization,
                year=self.year,
                grade=self.cleaned_data.get("grade", ""),
                comment=self.cleaned_data.get("comment", ""),
            )
        except ValidationError as exc:
            self.add_service_error(exc)
            return None
