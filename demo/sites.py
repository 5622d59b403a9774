"""Demo venue projects (阵地建设) of the demo county, two at every stage: entered through
the sites table where they started (a project under way with its start date, one still
being studied without), then moved on by county staff through the stage service with the
dates the work reached each stage, so that past quarters count each project in the stage
it had then. Some villages' venues lack rooms of the standard layout; one project is over
its planned investment. Idempotent: a project already entered is neither imported nor
moved again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from funding.choices import STAGE_ORDER, ProjectStage
from funding.models import VenueProject
from funding.services.sites import stage_move
from orgs.models import Organization

ROOMS_FULL = "、".join(
    ["党员活动室", "会议室", "办公室", "便民服务室", "远程教育室", "图书阅览室"]
    + ["文化活动室", "卫生室", "便民超市", "文体广场"]
)
ROOMS_FOUR = "党员活动室、会议室、办公室、便民服务室"


@dataclass(frozen=True)
class SitePlan:
    #: the stage the project reached, what it cost so far (万元) and its rooms
    stage: str
    invested: str
    rooms: str
    #: when construction started: (years before the demo year, month, day), or None
    started: tuple[int, int, int] | None
    #: the later stages with the day each was reached, as `started`
    moves: tuple[tuple[str, tuple[int, int, int]], ...] = ()


PLANS = (
    SitePlan(ProjectStage.SURVEY, "0", "党员活动室、会议室", None),
    SitePlan(ProjectStage.DESIGN, "0", ROOMS_FOUR, None, ((ProjectStage.DESIGN, (0, 3, 10)),)),
    SitePlan(ProjectStage.CONSTRUCTION, "45", ROOMS_FOUR + "、卫生室", (0, 4, 1)),
    SitePlan(ProjectStage.COMPLETED, "82", ROOMS_FULL, (1, 5, 1),
             ((ProjectStage.COMPLETED, (0, 6, 30)),)),
    SitePlan(ProjectStage.ACCEPTED, "60", ROOMS_FULL, (1, 3, 1),
             ((ProjectStage.COMPLETED, (1, 11, 30)), (ProjectStage.ACCEPTED, (0, 1, 20)))),
)  # fmt: skip


def _day(year: int, when: tuple[int, int, int]) -> datetime.date:
    back, month, day = when
    return datetime.date(year - back, month, day)


def site_code(year: int, org: Organization) -> str:
    return f"ZD{year}-{org.code}"


def county_site_rows(
    villages: list[Organization], year: int, today: datetime.date
) -> list[list[str]]:
    """The sites table's rows of the projects not yet entered, each at the stage it was
    entered in: 在建 with its start date, or 调研论证 (also a project whose start is
    still ahead early in the year)."""
    known = set(VenueProject.objects.values_list("code", flat=True))
    rows = []
    for index, org in enumerate(villages[: len(PLANS) * 2]):
        plan = PLANS[index % len(PLANS)]
        if site_code(year, org) in known:
            continue
        started = _day(year, plan.started) if plan.started else None
        if started is not None and started > today:
            started = None
        stage = ProjectStage.CONSTRUCTION if started else ProjectStage.SURVEY
        rows.append([site_code(year, org), f"{org.name.removeprefix('中共')}活动场所建设",
                     org.code, "村级组织活动场所", "新建" if index % 2 else "改扩建", "70",
                     plan.invested, "420", str(ProjectStage(stage).label),
                     started.isoformat() if started else "", "",
                     plan.rooms])  # fmt: skip
    return rows


def move_stages(villages: list[Organization], year: int, *, user: Any, today: datetime.date) -> int:
    """Move each project on to the stages it reached by `today` (only forward, so a
    project already there is left alone)."""
    moved = 0
    for index, org in enumerate(villages[: len(PLANS) * 2]):
        plan = PLANS[index % len(PLANS)]
        project = VenueProject.objects.filter(code=site_code(year, org)).first()
        if project is None:
            continue
        for stage, when in plan.moves:
            on = _day(year, when)
            if on > today or STAGE_ORDER.index(project.stage) >= STAGE_ORDER.index(stage):
                continue
            stage_move(user=user, project=project, to_stage=stage, on=on)
            project.refresh_from_db()
            moved += 1
    return moved
