"""The figures of the health rules: configuration in HealthThreshold, defaults in
`assessments.choices.THRESHOLD_DEFAULTS` (DOMAIN.md, Organisations)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import THRESHOLD_DEFAULTS, ThresholdKey
from .models import HealthThreshold

# The range each figure may take: a young-age line under 18 or a term notice longer than a
# five-year term would flag everything and say nothing; a vacancy of under a month is a
# handover, not a vacancy.
THRESHOLD_BOUNDS: dict[str, tuple[int, int]] = {
    ThresholdKey.MIN_VILLAGE_MEMBERS: (1, 1000),
    ThresholdKey.YOUNG_AGE: (18, 80),
    ThresholdKey.MAX_BRANCH_MEMBERS: (3, 1000),
    ThresholdKey.MIN_FULL_MEMBERS: (1, 50),
    ThresholdKey.TERM_EXPIRING_MONTHS: (1, 24),
    ThresholdKey.GENERAL_BRANCH_MIN_MEMBERS: (3, 1000),
    ThresholdKey.COMMITTEE_MIN_MEMBERS: (3, 10000),
    ThresholdKey.JOINT_BRANCH_MAX_UNITS: (2, 100),
    ThresholdKey.SECRETARY_VACANT_DAYS: (30, 730),
    ThresholdKey.GENERAL_BRANCH_SEATS_MAX: (5, 15),
    ThresholdKey.BASE_COMMITTEE_SEATS_MAX: (5, 31),
    ThresholdKey.STANDARD_PASS_SCORE: (50, 100),
    ThresholdKey.REVIEW_LIST_WEIGHT: (0, 100),
    ThresholdKey.REVIEW_DANGER_PENALTY: (0, 100),
    ThresholdKey.REVIEW_WARNING_PENALTY: (0, 100),
    ThresholdKey.REVIEW_GOOD_MIN: (1, 100),
    ThresholdKey.REVIEW_FAIRLY_GOOD_MIN: (1, 100),
    ThresholdKey.REVIEW_AVERAGE_MIN: (1, 100),
}


def thresholds() -> dict[str, int]:
    """Every figure by ThresholdKey value (one query); a missing row falls back to its
    default, so deleting a row can never break the rules."""
    values = {str(key): value for key, value in THRESHOLD_DEFAULTS.items()}
    values.update(HealthThreshold.objects.values_list("key", "value"))
    return values


def validate_threshold(key: str, value: int | None) -> None:
    """Raise a ValidationError naming the figure when `value` is outside its range."""
    low, high = THRESHOLD_BOUNDS[key]
    if value is None or not low <= value <= high:
        raise ValidationError(
            {
                "value": _("%(rule)s：应在 %(low)d 到 %(high)d 之间。")
                % {"rule": ThresholdKey(key).label, "low": low, "high": high}
            }
        )


def threshold_update(*, user: Any, row: HealthThreshold, value: int) -> HealthThreshold:
    """Change one figure, recording who changed it."""
    validate_threshold(row.key, value)
    row.value = value
    row._history_user = user
    row.save()
    return row
