"""标准化规范化 grading: which organisations are graded, the star grade of a total and
whether it reaches the configured pass score (达标)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from orgs.choices import OrgKind
from orgs.models import Organization

from ..choices import STAR_BANDS, ThresholdKey
from ..thresholds import thresholds

# Only branch-like organisations are graded: a 党委 is assessed through its branches.
SCOREABLE_KINDS = (
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
    OrgKind.TEMPORARY_BRANCH,
    OrgKind.GENERAL_BRANCH,
)


def scoreable_label() -> str:
    return "、".join(str(OrgKind(kind).label) for kind in SCOREABLE_KINDS)


def is_scoreable(organization: Organization) -> bool:
    return organization.kind in SCOREABLE_KINDS


def star_grade(total: Decimal | int | float) -> int:
    """The star grade of a total: the first band whose lowest score the total reaches."""
    value = Decimal(str(total))
    for lowest, stars in STAR_BANDS:
        if value >= lowest:
            return stars
    return STAR_BANDS[-1][1]


def passed(total: Decimal | int | float, pass_score: int | Decimal) -> bool:
    return Decimal(str(total)) >= Decimal(str(pass_score))


def pass_score() -> int:
    return thresholds()[ThresholdKey.STANDARD_PASS_SCORE]


def stars_text(stars: int) -> str:
    return "★" * stars + "☆" * (STAR_BANDS[0][1] - stars)


def stars_label(stars: int) -> str:
    return _("%(n)d 星") % {"n": stars}
