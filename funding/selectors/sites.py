"""Venue-project figures and the project list's filtering: one place, constant queries.

The sites pages, the dashboard and the bulletin call these, so their numbers agree. A
project's *year* is the year it started (开工日期); a project not started yet (调研论证,
规划设计) counts in the year it was entered. So "2025" means the projects that broke
ground in 2025 plus those still being prepared that were entered in 2025.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.numbers import rate
from orgs.models import Organization

from ..choices import STAGE_ORDER, ProjectStage
from ..models import StageChange, VenueProject
from ..models.sites import VenueProjectQuerySet

ZERO = Decimal("0")
CENT = Decimal("0.01")
DEFAULT_SORT = "org"

# The whitelist of sorts: the public key (in the URL) → ORDER BY. Each ends with a unique
# column so that pagination is stable.
SORTS: dict[str, tuple[Any, ...]] = {
    "org": ("organization__path", "code"),
    "-org": ("-organization__path", "code"),
    "code": ("code",),
    "-code": ("-code",),
    "name": ("name", "code"),
    "-name": ("-name", "code"),
    "stage": ("stage_rank", "organization__path", "code"),
    "-stage": ("-stage_rank", "organization__path", "code"),
    "rate": ("done_rate", "code"),
    "-rate": ("-done_rate", "code"),
    "started": (F("started_on").asc(nulls_last=True), "code"),
    "-started": (F("started_on").desc(nulls_last=True), "code"),
}


def stage_rank() -> Case:
    """The stage's position in the flow, so that sorting follows the flow, not the code."""
    return Case(
        *(When(stage=stage, then=Value(index)) for index, stage in enumerate(STAGE_ORDER)),
        output_field=IntegerField(),
    )


def done_rate() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("completed_investment") * 100 / F("planned_investment"),
        output_field=DecimalField(max_digits=14, decimal_places=4),
    )


def project_year_q(year: int) -> Q:
    """Projects of `year`: started in it, or not started yet and entered in it."""
    return Q(started_on__year=year) | Q(started_on__isnull=True, created_at__year=year)


def projects_in(*, org: Organization | None, year: int | None) -> VenueProjectQuerySet:
    """Every project of `org`'s subtree (None: unrestricted; the caller scopes) and year."""
    projects = VenueProject.objects.all()
    if org is not None:
        projects = projects.within(org)
    if year is not None:
        projects = projects.filter(project_year_q(year))
    return projects


def filter_projects(
    queryset: VenueProjectQuerySet,
    *,
    q: str = "",
    project_type: str = "",
    stage: str = "",
    org_path: str = "",
    year: int | None = None,
) -> VenueProjectQuerySet:
    """`queryset` (already scoped to the user) narrowed by the list's filters."""
    if q:
        queryset = queryset.filter(Q(name__contains=q) | Q(code__icontains=q))
    if project_type:
        queryset = queryset.filter(project_type=project_type)
    if stage:
        queryset = queryset.filter(stage=stage)
    if org_path:
        queryset = queryset.within(org_path)
    if year is not None:
        queryset = queryset.filter(project_year_q(year))
    return queryset


def sort_projects(queryset: VenueProjectQuerySet, sort: str) -> VenueProjectQuerySet:
    return queryset.annotate(stage_rank=stage_rank(), done_rate=done_rate()).order_by(
        *SORTS.get(sort, SORTS[DEFAULT_SORT])
    )


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


@dataclass(frozen=True)
class SiteFigures:
    total: int
    by_stage: list[StageCount]
    planned: Decimal
    completed: Decimal
    over_plan: int

    @property
    def rate(self) -> Decimal | None:
        """Investment done as a share of the plan, in per cent (None without a plan)."""
        return rate(self.completed, self.planned)

    def count_of(self, stage: str) -> int:
        return next((s.count for s in self.by_stage if s.stage == stage), 0)


def figures_of(projects: QuerySet) -> SiteFigures:
    """Counts by stage, investment planned/done and over-plan projects (one query)."""
    aggregates: dict[str, Any] = {
        f"stage_{stage}": Count("pk", filter=Q(stage=stage)) for stage in STAGE_ORDER
    }
    row = projects.order_by().aggregate(
        total=Count("pk"),
        planned=Coalesce(Sum("planned_investment"), ZERO, output_field=DecimalField()),
        completed=Coalesce(Sum("completed_investment"), ZERO, output_field=DecimalField()),
        over_plan=Count("pk", filter=Q(completed_investment__gt=F("planned_investment"))),
        **aggregates,
    )
    return SiteFigures(
        total=row["total"],
        by_stage=[
            StageCount(stage, str(ProjectStage(stage).label), row[f"stage_{stage}"])
            for stage in STAGE_ORDER
        ],
        # SQLite sums decimals as floats: back to the cent.
        planned=Decimal(row["planned"]).quantize(CENT, rounding=ROUND_HALF_UP),
        completed=Decimal(row["completed"]).quantize(CENT, rounding=ROUND_HALF_UP),
        over_plan=row["over_plan"],
    )


def site_figures(
    *, org: Organization, year: int | None = None, as_of: datetime.date | None = None
) -> SiteFigures:
    """Figures of `org`'s subtree for `year` (every year when None); one query.

    With `as_of`, each project counts in the stage it had on that day (figures_as_of)."""
    projects = projects_in(org=org, year=year)
    if as_of is None:
        return figures_of(projects)
    return figures_as_of(projects, as_of)


def stage_as_of(
    *,
    stage: str,
    entered_on: datetime.date,
    last_change_to: str | None,
    first_change_from: str | None,
    as_of: datetime.date,
) -> str | None:
    """A project's stage on `as_of` from its dated stage changes (日期), None when it did not
    exist yet: the stage of the last change on or before that day; without one, the stage
    it was in before its first change (a first change from nothing records its creation,
    so the project did not exist before it); a project without changes has been in its
    stage since it was entered."""
    if last_change_to:
        return last_change_to
    if entered_on > as_of:
        return None
    if first_change_from is None:
        return stage
    return first_change_from or None


def figures_as_of(projects: QuerySet, as_of: datetime.date) -> SiteFigures:
    """figures_of() as on `as_of` (one query): stages from the stage changes dated up to
    that day (stage_as_of); the investment figures have no date and are taken as they are
    now for the projects that existed then."""
    changes = StageChange.objects.filter(project=OuterRef("pk"))
    last_to = changes.filter(changed_on__lte=as_of).order_by("-changed_on", "-pk")
    first_from = changes.order_by("changed_on", "pk")
    rows = (
        projects.order_by()
        .annotate(
            last_to=Subquery(last_to.values("to_stage")[:1]),
            first_from=Subquery(first_from.values("from_stage")[:1]),
        )
        .values_list(
            "stage",
            "created_at",
            "planned_investment",
            "completed_investment",
            "last_to",
            "first_from",
        )
    )
    counts = dict.fromkeys(STAGE_ORDER, 0)
    planned = completed = ZERO
    total = over_plan = 0
    for stage, created_at, plan, done, last_to, first_from in rows:
        then = stage_as_of(
            stage=stage,
            entered_on=timezone.localdate(created_at),
            last_change_to=last_to,
            first_change_from=first_from,
            as_of=as_of,
        )
        if then is None:
            continue
        counts[then] += 1
        total += 1
        planned += plan
        completed += done
        over_plan += done > plan
    return SiteFigures(
        total=total,
        by_stage=[
            StageCount(stage, str(ProjectStage(stage).label), counts[stage])
            for stage in STAGE_ORDER
        ],
        planned=Decimal(planned).quantize(CENT, rounding=ROUND_HALF_UP),
        completed=Decimal(completed).quantize(CENT, rounding=ROUND_HALF_UP),
        over_plan=over_plan,
    )


def project_years(projects: QuerySet) -> list[int]:
    """The years that have projects, newest first (two small queries), for year filters."""
    started = projects.filter(started_on__isnull=False).dates("started_on", "year")
    entered = projects.filter(started_on__isnull=True).datetimes("created_at", "year")
    return sorted({d.year for d in started} | {d.year for d in entered}, reverse=True)
