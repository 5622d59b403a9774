"""标准化规范化 grading: the yearly score sheet of a branch, its star grade and the 达标
figures of a subtree. Services (writes) and selectors (reads).

Definitions used on every page and export:
- scoreable: the branch-like organisations of the subtree (SCOREABLE_KINDS);
- scored: scoreable organisations with a sheet for the year;
- 达标: total ≥ the pass score (ThresholdKey.STANDARD_PASS_SCORE, 80 by default);
- 达标率（已评）= 达标 / scored; 达标率（应评）= 达标 / scoreable (unscored count as not 达标).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.choices import OrgKind
from orgs.models import Organization
from orgs.scope import can_edit_path

from .choices import STAR_BANDS, ThresholdKey
from .models import StandardDimension, StandardScoreSheet
from .thresholds import thresholds

FIRST_YEAR = 2000  # as the model's validator
FULL_MARKS = 100
ONE_DECIMAL = Decimal("0.1")

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


# --- grading -----------------------------------------------------------------------------
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


# --- the score sheet ---------------------------------------------------------------------
def dimensions() -> list[StandardDimension]:
    return list(StandardDimension.objects.order_by("position", "code"))


def _points(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    return value


def sheet_errors(
    *,
    organization: Organization,
    year: int | None,
    scores: dict[str, Any],
    assessed_on: datetime.date | None,
    configured: list[StandardDimension],
) -> tuple[dict[str, list[str]], dict[str, Decimal]]:
    """What is wrong with a sheet, keyed by dimension code (or year / assessed_on /
    NON_FIELD_ERRORS), and the clean points by code."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Decimal] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not is_scoreable(organization):
        add(
            NON_FIELD_ERRORS,
            _("只有%(kinds)s参加标准化规范化评分；“%(org)s”是%(kind)s。")
            % {
                "kinds": scoreable_label(),
                "org": organization.name,
                "kind": organization.get_kind_display(),
            },
        )
    today = timezone.localdate()
    if year is None:
        add("year", _("请填写年度。"))
    elif not FIRST_YEAR <= year <= today.year:
        add(
            "year",
            _("年度须在 %(first)d 年至今年（%(this)d 年）之间。")
            % {"first": FIRST_YEAR, "this": today.year},
        )
    if assessed_on is None:
        add("assessed_on", _("请填写评定日期。"))
    elif assessed_on > today:
        add("assessed_on", _("评定日期不能晚于今天。"))
    elif year is not None and assessed_on < datetime.date(year, 1, 1):
        add("assessed_on", _("评定日期不能早于 %(year)d 年 1 月 1 日。") % {"year": year})
    if not configured:
        add(NON_FIELD_ERRORS, _("还没有配置评分项，请联系县委组织部。"))
    known = {d.code for d in configured}
    unknown = [code for code in scores if code not in known]
    if unknown:
        add(NON_FIELD_ERRORS, _("“%(codes)s”不是评分项。") % {"codes": "、".join(unknown)})
    for dimension in configured:
        name = dimension.name
        try:
            value = _points(scores.get(dimension.code))
        except ValueError:
            add(dimension.code, _("“%(name)s”的得分应为数字。") % {"name": name})
            continue
        if value is None:
            add(dimension.code, _("请填写“%(name)s”的得分。") % {"name": name})
        elif not 0 <= value <= dimension.max_points:
            add(
                dimension.code,
                _("“%(name)s”的得分应在 0 到 %(max)d 分之间。")
                % {"name": name, "max": dimension.max_points},
            )
        elif value != value.quantize(ONE_DECIMAL):
            add(dimension.code, _("“%(name)s”的得分最多保留一位小数。") % {"name": name})
        else:
            clean[dimension.code] = value.quantize(ONE_DECIMAL)
    return errors, clean


def _check_write(user: Any, organization: Organization) -> None:
    # No user is the deployer (commands, demo data), as in the register.
    if user is not None and not can_edit_path(user, organization.path):
        raise PermissionDenied(_("您没有为该组织评分的权限。"))


@transaction.atomic
def score_sheet_save(
    *,
    user: Any,
    organization: Organization,
    year: int,
    scores: dict[str, Decimal],
    comment: str = "",
    assessed_on: datetime.date | None,
) -> StandardScoreSheet:
    """Create or update `organization`'s sheet for `year`; the total is the sum of the
    dimensions' points. Raises PermissionDenied outside the user's write scope and
    ValidationError (keyed by dimension code) for bad points."""
    _check_write(user, organization)
    errors, clean = sheet_errors(
        organization=organization,
        year=year,
        scores=scores or {},
        assessed_on=assessed_on,
        configured=dimensions(),
    )
    if errors:
        raise ValidationError(errors)
    sheet = (
        StandardScoreSheet.objects.select_for_update()
        .filter(organization=organization, year=year)
        .first()
    )
    created = sheet is None
    if created:
        sheet = StandardScoreSheet(organization=organization, year=year)
    # Stored as strings: JSON numbers would come back as floats (12.3 → 12.299999…).
    sheet.scores = {code: str(points) for code, points in clean.items()}
    sheet.total = sum(clean.values(), Decimal("0")).quantize(ONE_DECIMAL)
    sheet.comment = (comment or "").strip()
    sheet.assessed_on = assessed_on
    sheet.assessed_by = user
    sheet._history_user = user
    sheet._change_reason = _("评分") if created else _("修改评分")
    try:
        with transaction.atomic():
            sheet.save()
    except IntegrityError as exc:
        # Two users scoring the same new sheet at once: the second is told to reload.
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("“%(org)s”%(year)d 年的评分刚被他人保存，请刷新后再修改。")
                    % {"org": organization.name, "year": year}
                ]
            }
        ) from exc
    return sheet


def sheet_points(sheet: StandardScoreSheet | None) -> dict[str, Decimal]:
    if sheet is None:
        return {}
    return {code: Decimal(str(value)) for code, value in (sheet.scores or {}).items()}


# --- configuration -----------------------------------------------------------------------
def dimension_total_errors(max_points_by_pk: dict[int, int]) -> list[str]:
    """The dimensions must add up to 100 after the changed ones take `max_points_by_pk`."""
    stored = dict(StandardDimension.objects.values_list("pk", "max_points"))
    stored.update(max_points_by_pk)
    total = sum(stored.values())
    if total != FULL_MARKS:
        return [
            _("各评分项满分之和须为 %(full)d 分，修改后为 %(total)d 分；请同时调整其他评分项。")
            % {"full": FULL_MARKS, "total": total}
        ]
    return []


# --- selectors ---------------------------------------------------------------------------
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
        return _rate(self.passed, self.scored)

    @property
    def rate_of_scoreable(self) -> Decimal | None:
        return _rate(self.passed, self.scoreable)

    @property
    def star_rows(self) -> list[tuple[int, str, int]]:
        return [
            (stars, stars_text(stars), self.by_stars.get(stars, 0)) for _lowest, stars in STAR_BANDS
        ]


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(ONE_DECIMAL)


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
        Organization.objects.filter(path__startswith=org.path, kind__in=SCOREABLE_KINDS)
        .only("id", "code", "name", "kind", "path", "depth")
        .order_by("path")
    )
    sheets = StandardScoreSheet.objects.filter(
        organization__path__startswith=org.path,
        organization__kind__in=SCOREABLE_KINDS,
        year__in=(year, year - 1),
    ).select_related("organization", "assessed_by")
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
        Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1)
        .only("id", "code", "name", "kind", "path", "depth")
        .order_by("path")
    )
    child_figures = [
        ChildFigures(
            organization=child,
            figures=_figures([p for p in paths if p.startswith(child.path)], rows_by_path),
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
    years = set(
        StandardScoreSheet.objects.filter(organization__path__startswith=org.path)
        .values_list("year", flat=True)
        .distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)
