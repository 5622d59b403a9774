"""Demo 标准化规范化 score sheets of the demo county's branches: last year's, assessed in
December, and this year's, assessed in late November (or today, if that is earlier),
saved by county staff through the score-sheet service. Most branches pass (≥ 80 points,
four or five stars), a few do not; 李家沟村 scores lowest, 南岭村 improved on last year
after its rectification; the social organisations' joint branch is not assessed yet this
year. Idempotent: an organisation's sheet of a year is not saved again."""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from assessments.models import StandardDimension, StandardScoreSheet
from assessments.standards.grading import SCOREABLE_KINDS, star_grade
from assessments.standards.services import score_sheet_save
from orgs.models import Organization

from .calendar import demo_today
from .people import STAFF, account

COUNTY = "QH"
HALF = Decimal("0.5")
TOTALS = (95, 92, 89, 87, 85, 83, 81, 78, 74)
#: this year's total of a few branches, and last year's where it tells a story
FIXED_TOTALS = {"QH0204": (58, 61), "QH0304": (76, 55), "QH0302": (71, 73)}
NOT_YET = "QH-SH01"
COMMENTS = {
    5: "组织健全，制度落实，示范带动作用明显。",
    4: "各项工作扎实，个别台账资料需进一步规范。",
    3: "基本达到要求，组织生活和台账资料有待加强。",
    2: "组织生活不够规范，基础保障薄弱，需限期提升。",
    1: "多项指标未达标，列入重点整顿提升对象。",
}


def scores_for(
    total: int, dimensions: list[StandardDimension], rnd: random.Random
) -> dict[str, Decimal]:
    """Points per dimension near `total` percent of each maximum, adding up to `total`."""
    scores = {}
    for dimension in dimensions:
        share = Decimal(total) / 100 + Decimal(rnd.choice((-4, -2, 0, 0, 2, 4))) / 100
        points = Decimal(dimension.max_points) * min(share, Decimal(1))
        scores[dimension.code] = (points / HALF).quantize(Decimal(1), ROUND_HALF_UP) * HALF
    difference = Decimal(total) - sum(scores.values())
    for dimension in dimensions:  # spread the rounding difference where there is room
        room = Decimal(dimension.max_points) - scores[dimension.code]
        step = max(min(difference, room), -scores[dimension.code])
        scores[dimension.code] += step
        difference -= step
    return scores


def load_demo_standards() -> str:
    staff = account(STAFF)
    county = Organization.objects.filter(code=COUNTY).first()
    dimensions = list(StandardDimension.objects.order_by("position", "code"))
    if staff is None or county is None or not dimensions:
        return "标准化评分：无演示县，跳过"
    today = demo_today()
    years = (
        (today.year - 1, datetime.date(today.year - 1, 12, 15)),
        (today.year, min(datetime.date(today.year, 11, 25), today)),
    )
    branches = Organization.objects.within(county).filter(kind__in=SCOREABLE_KINDS)
    done = set(
        StandardScoreSheet.objects.filter(organization__in=branches).values_list(
            "organization_id", "year"
        )
    )
    saved, stars = 0, []
    for index, org in enumerate(branches):
        rnd = random.Random(f"standards-{org.code}")
        current = FIXED_TOTALS.get(org.code, (TOTALS[index % len(TOTALS)],))[0]
        previous = FIXED_TOTALS.get(org.code, (0, current - rnd.choice((-3, 0, 2, 4, 6))))[1]
        for year, assessed_on in years:
            is_current = year == today.year
            if (org.pk, year) in done or (is_current and org.code == NOT_YET):
                continue
            total = min(current if is_current else previous, 100)
            score_sheet_save(
                user=staff,
                organization=org,
                year=year,
                scores=scores_for(total, dimensions, rnd),
                comment=COMMENTS[star_grade(total)],
                assessed_on=assessed_on,
            )
            saved += 1
            if is_current:
                stars.append(star_grade(total))
    spread = "、".join(f"{n}星 {stars.count(n)} 个" for n in sorted(set(stars), reverse=True))
    return f"标准化评分：新增 {saved} 份" + (f"（今年 {spread}）" if spread else "")
