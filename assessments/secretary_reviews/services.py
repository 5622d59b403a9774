"""Recording a secretary's 述职评议: who grades, and the grade saved with the suggestion
as it stands then.

Who reviews: staff of the committee above the organisation — the committee above reviews
the secretaries below it; nobody grades the secretary of their own top organisation (the
county's is reviewed by the city, outside the portal).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.scope import reviews_for_committee_above

from ..choices import ReviewGrade
from ..models import FIRST_YEAR, SecretaryReview
from .suggestion import suggestions_for


def can_review(user: Any, organization: Organization) -> bool:
    return reviews_for_committee_above(user, organization)


def review_save(
    *,
    user: Any,
    organization: Organization,
    year: int,
    grade: str,
    comment: str,
    today: datetime.date | None = None,
) -> SecretaryReview:
    """Record (or change) the year's grade with the suggestion as it stands now."""
    if not can_review(user, organization):
        raise PermissionDenied(_("只有上级党组织的工作人员可以评定该组织书记的述职评议等次。"))
    today = today or timezone.localdate()
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= year <= today.year:
        errors["year"] = [
            _("年度须在 %(first)d 年至今年（%(this)d 年）之间。")
            % {"first": FIRST_YEAR, "this": today.year}
        ]
    if grade not in ReviewGrade.values:
        errors["grade"] = [_("请选择评定等次（好、较好、一般、差）。")]
    if errors:
        raise ValidationError(errors)
    suggestion = suggestions_for(organization, year, reviewed=[organization], today=today)[
        organization.id
    ]
    if suggestion.grade and grade != suggestion.grade and not comment:
        raise ValidationError(
            {
                "comment": [
                    _(
                        "评定等次（%(grade)s）与建议等次（%(suggested)s）不同，请在评议意见中说明理由。"
                    )
                    % {"grade": ReviewGrade(grade).label, "suggested": suggestion.grade_label}
                ]
            }
        )
    with transaction.atomic():
        review = (
            SecretaryReview.objects.select_for_update()
            .filter(organization=organization, year=year)
            .first()
        ) or SecretaryReview(organization=organization, year=year)
        review.secretary_name = organization.secretary_name
        review.list_average = suggestion.list_average
        review.approved_lists = suggestion.approved_lists
        review.danger_findings = suggestion.danger
        review.warning_findings = suggestion.warning
        review.organizations = suggestion.organizations
        review.suggested_score = suggestion.score
        review.suggested_grade = suggestion.grade
        review.grade = grade
        review.comment = comment
        review.reviewed_by = user
        review.reviewed_at = timezone.now()
        review._history_user = user
        review.save()
    return review
