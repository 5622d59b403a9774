"""标准化规范化 reads: the configured dimensions, a sheet's points, and the figures of a
subtree for a year (scored, 达标, stars, per child), beside the previous year's.

Definitions used on every page and export:
- scoreable: the branch-like organisations of the subtree (grading.SCOREABLE_KINDS);
- scored: scoreable organisations with a sheet for the year;
- 达标: total ≥ the pass score (ThresholdKey.STANDARD_PASS_SCORE, 80 by default);
- 达标率（已评）= 达标 / scored; 达标率（应评）= 达标 / scoreable (unscored count as not 达标).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core.numbers import rate
from orgs.models import Organization
from orgs.scope import in_subtree

from ..choices import STAR_BANDS
from ..models import StandardDimension, StandardScoreSheet
from .grading import SCOREABLE_KINDS, pass_score, passed, star_grade, stars_text


def dimensions() -> list[StandardDimension]:
    return list(StandardDimension.objects.order_by("position", "code"))


def sheet_points(sheet: StandardScoreSheet | None) -> dict[str, Decimal]:
    if sheet is None:
        return {}
    return {code: Decimal(str(value)) for code, value in (sheet.scores or {}).items()}


@dataclass
class SheetRow:
    """One scored organisation of the year, beside its previous year's sheet."""

    organization: Organization
    sheet: StandardScoreSheet
    stars: int
    passed: bool
    previous_total: Decimal | None = None
    previous_stars: int | None = None

    @property
    def total(self) -> Decimal:
        return self.sheet.total

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total

    @property
    def star_change(self) -> int | None:
        return None if self.previous_stars is None else self.stars - self.previous_stars

    @property
    def stars_text(self) -> str:
        return stars_text(self.stars)


@dataclass
class Figures:
    """Counts of one subtree: see the module docstring for the definitions."""

    scoreable: int = 0
    scored: int = 0
    passed: int = 0
    by_stars: dict[int, int] = field(default_factory=dict)

    @property
    def unscored(self) -> int:
        return self.scoreable - self.scored

    @property
    def rate_of_scored(self) -> Decimal | None:
        return rate(self.passed, self.scored)

    @property
    def rate_of_scoreable(self) -> Decimal | None:
        return rate(self.passed, self.scoreable)

    @property
    def star_rows(self) -> list[tuple[int, str, int]]:
        return [
            (stars, stars_text(stars), self.by_stars.get(stars, 0)) for _lowest, stars in STAR_BANDS
        ]


@dataclass
class ChildFigures:
    organization: Organization
    figures: Figures


@dataclass
class Overview:
    organization: Organization
    year: int
    pass_score: int
    figures: Figures
    rows: list[SheetRow]
    unscored: list[Organization]
    children: list[ChildFigures]


def _figures(paths: list[str], rows_by_path: dict[str, SheetRow]) -> Figures:
    figures = Figures(scoreable=len(paths))
    stars: Counter[int] = Counter()
    for path in paths:
        row = rows_by_path.get(path)
        if row is None:
            continue
        figures.scored += 1
        figures.passed += row.passed
        stars[row.stars] += 1
    figures.by_stars = dict(stars)
    return figures


def standards_overview(org: Organization, year: int) -> Overview:
    """Everything the page shows for `org`'s subtree in `year`, in four queries whatever
    the subtree's size: the pass score, the scoreable organisations, the sheets of this
    and the previous year, and `org`'s children. The caller has checked that the user
    may see `org`."""
    score = pass_score()
    scoreable = list(
        Organization.objects.within(org)
        .filter(kind__in=SCOREABLE_KINDS)
        .only("id", "code", "name", "kind", "path", "depth")
        .order_by("path")
    )
    sheets = (
        StandardScoreSheet.objects.within(org)
        .filter(organization__kind__in=SCOREABLE_KINDS, year__in=(year, year - 1))
        .select_related("organization", "assessed_by")
    )
    current: dict[int, StandardScoreSheet] = {}
    previous: dict[int, StandardScoreSheet] = {}
    for sheet in sheets:
        (current if sheet.year == year else previous)[sheet.organization_id] = sheet
    rows_by_path: dict[str, SheetRow] = {}
    unscored: list[Organization] = []
    for organization in scoreable:
        sheet = current.get(organization.pk)
        if sheet is None:
            unscored.append(organization)
            continue
        before = previous.get(organization.pk)
        rows_by_path[organization.path] = SheetRow(
            organization=organization,
            sheet=sheet,
            stars=star_grade(sheet.total),
            passed=passed(sheet.total, score),
            previous_total=before.total if before else None,
            previous_stars=star_grade(before.total) if before else None,
        )
    paths = [o.path for o in scoreable]
    children = list(
        Organization.objects.children_of(org)
        .only("id", "code", "name", "kind", "path", "depth")
        .order_by("path")
    )
    child_figures = [
        ChildFigures(
            organization=child,
            figures=_figures([p for p in paths if in_subtree(p, child)], rows_by_path),
        )
        for child in children
    ]
    return Overview(
        organization=org,
        year=year,
        pass_score=score,
        figures=_figures(paths, rows_by_path),
        rows=[rows_by_path[p] for p in paths if p in rows_by_path],
        unscored=unscored,
        children=[c for c in child_figures if c.figures.scoreable],
    )


def standards_summary(org: Organization, year: int) -> Figures:
    return standards_overview(org, year).figures


def sheets_for(org: Organization, year: int) -> list[SheetRow]:
    return standards_overview(org, year).rows


def sheet_years(org: Organization) -> list[int]:
    """The years with sheets in `org`'s subtree, and this year, newest first."""
    years = set(StandardScoreSheet.objects.within(org).values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)
