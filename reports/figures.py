"""The key figures of a subtree and period: the one set of query functions behind the
dashboard, the PDF bulletin and their exports, so that the three cannot disagree.

Public API (keyword-only, stable):
- `overview(org=, period=)` → `Overview`: every key figure of `org`'s subtree for the
  period, each a `Figure` with the previous period's value, its change and the URL of the
  list behind it, in `FigureGroup`s (organisations, members, lists, standards, funds,
  venues, health).
- `ranking(org=, period=)` → `list[RankRow]`: the next level down (townships of a county,
  villages of a township) by the quarter's average list score.
- `as_of_for(period)`: the day a period's figures are computed for.

The "as of" rule. A period's figures are those of its last day, or of today while the
period is still running, computed from the dated facts the portal stores:
- members: admitted (入党日期 `joined_on`) by that day, and 在册 then — still 在册, or
  their status changed (`status_changed_on`: 转出, 去世, 停止党籍 …) only after that day,
  so a member who left after the period still counts for it; 正式 from the 转正日期
  (`confirmed_on`) on, 预备 before; new members are those admitted within the period;
- funds: the budget lines of the period's year, disbursed = the instalments whose 拨付日期
  (`paid_on`) is on or before that day;
- venue projects: each in the stage of its last stage change (`StageChange.changed_on`) on
  or before that day; projects entered later and without an earlier change do not count;
- responsibility lists: the lists of the period's quarter, in their current state;
- health rules: evaluated with `today=` that day (terms, meeting quarter, funding year).
What carries no date is taken as it is now: the organisation tree (so organisation counts
have no previous value), a member's organisation, a member's gender, education and birth
date, a project's investment figures, the 标准化 score sheets of the period's year, and the
member counts inside the health rules.

Writing the figures: `Figure.display`, `previous_display` and `change_text` are what the
dashboard and the bulletin print, written by the figure's `Measure` (reports.figure_table),
the one rule for both:
- counts as `charts.format_number` writes them: 12,345名, change ▲ 12 名;
- rates with `core.numbers.percent`, one decimal place: 85.3%, 25.0%; their change in
  percentage points, never in "%": ▲ 2.5 个百分点;
- scores: 80.5分, change ▲ 2.5 分;
- sums of money with `core.numbers.money`: two decimals and thousands separators
  (1,441,000.00元, ▲ 374,000.00 元), as is every amount in 元 or 万元 the bulletin prints
  beside them (the `yuan` template filter); never a bare 1441000.

The figures themselves are declared in `reports.figure_table`.

Cost: a constant number of queries whatever the size of the tree (about 45 for
`overview`, which computes the period and the one before, and `ranking` together). A past
period cannot change under this rule except by back-dated entries, so its computed
figures are cached for `REPORTS_PAST_CACHE_SECONDS` (6 hours); the running period for
`REPORTS_CURRENT_CACHE_SECONDS` (15 minutes). Keys include the organisation's tree path and
its last change, so a moved or edited organisation is computed afresh.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.health.findings import Finding
from assessments.health.rules import findings_for
from assessments.standards.selectors import standards_overview
from checklists.figures import (
    QuarterFigures,
    by_score,
    quarter_figures,
    quarter_figures_by_child,
    score_ranks,
)
from core.numbers import money, percent, points
from core.periods import Period, Quarter
from funding.selectors.funds import fund_totals, totals_by_child
from funding.selectors.sites import site_figures
from members.selectors import counts_by, counts_by_child, new_members
from orgs.models import Organization
from orgs.scope import PATH_STEP

from .charts import format_number
from .figure_table import FIGURE_TABLE, GroupSpec, Measure, Slot
from .snapshot import ChildFigures, Snapshot

CACHE_VERSION = 3

Number = int | Decimal


# --- public types ----------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """One key figure: its value for the period and the period before (None: unknown or
    not applicable), the unit it is shown in, the list behind it and what it measures,
    which says how it and its change are written (see the module docstring)."""

    key: str
    label: str
    value: Number | None
    previous: Number | None
    unit: str
    url: str
    measure: Measure = Measure.COUNT

    @property
    def change(self) -> Number | None:
        """value − previous; None when either is unknown."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def trend(self) -> str | None:
        """ "up", "down" or "same" (None when the change is unknown)."""
        change = self.change
        if change is None:
            return None
        return "up" if change > 0 else "down" if change < 0 else "same"

    def text(self, value: Number | None) -> str:
        """`value` with the unit, as this figure is written (— when unknown)."""
        if value is None:
            return "—"
        if self.measure is Measure.RATE:
            return percent(value)
        if self.measure is Measure.MONEY:
            return f"{money(value)}{self.unit}"
        return format_number(value, self.unit)

    @property
    def display(self) -> str:
        """The value with its unit as the page and the bulletin print it."""
        return self.text(self.value)

    @property
    def previous_display(self) -> str:
        return self.text(self.previous)

    @property
    def change_text(self) -> str:
        """The change in words and arrows, readable without colour, in the figure's unit:
        ▲ 12 名 / ▼ 1.5 分 / ▲ 2.5 个百分点 / ▲ 374,000.00 元 / 持平."""
        change = self.change
        if change is None:
            return _("无可比数据")
        if change == 0:
            return _("持平")
        arrow = "▲" if change > 0 else "▼"
        if self.measure is Measure.RATE:
            size = points(change)
        elif self.measure is Measure.MONEY:
            size = money(abs(change))
        else:
            size = format_number(abs(change))
        return f"{arrow} {size} {self.change_unit}".rstrip()

    @property
    def change_unit(self) -> str:
        """The unit of the change: a rate changes by percentage points, not by "%"."""
        return _("个百分点") if self.measure is Measure.RATE else self.unit


@dataclass(frozen=True)
class FigureGroup:
    key: str
    title: str
    figures: list[Figure]

    @property
    def parts(self) -> list[Figure]:
        """The figures without the group's total (the members by category, the projects by
        stage, the findings by rule …), as the charts draw them."""
        return [f for f in self.figures if f.key != f"{self.key}_total"]


@dataclass(frozen=True)
class Overview:
    org: Organization
    period: Period
    previous_period: Period
    #: the day the figures are computed for (the period's last day, or today)
    as_of: datetime.date
    previous_as_of: datetime.date
    groups: list[FigureGroup]
    #: the period has not ended yet (进行中): its figures are those of today
    running: bool = False

    def group(self, key: str) -> FigureGroup:
        return next(g for g in self.groups if g.key == key)

    def figure(self, key: str) -> Figure:
        return next(f for g in self.groups for f in g.figures if f.key == key)

    @property
    def figures(self) -> list[Figure]:
        return [f for g in self.groups for f in g.figures]


@dataclass(frozen=True)
class RankRow:
    """One organisation of the next level down, its whole subtree counted."""

    #: None without a score: listed after the ranked ones as 未评分
    rank: int | None
    org_id: int
    code: str
    name: str
    members: int
    submission_rate: Decimal | None
    average_score: Decimal | None
    standards_rate: Decimal | None
    execution_rate: Decimal | None
    findings: int


# --- the as-of day -----------------------------------------------------------------------
def as_of_for(period: Period, *, today: datetime.date | None = None) -> datetime.date:
    """The period's last day, or today while the period runs (see the module docstring)."""
    today = today or timezone.localdate()
    return min(period.last_day, today)


# --- the computed figures of one period (cached) -------------------------------------------
def _cache_key(org: Organization, period: Period, as_of: datetime.date) -> str:
    changed = org.updated_at.timestamp() if org.updated_at else 0
    return f"reports:figures:{CACHE_VERSION}:{org.pk}:{org.path}:{changed}:{period}:{as_of}"


def _timeout(as_of: datetime.date, today: datetime.date) -> int:
    if as_of < today:
        return settings.REPORTS_PAST_CACHE_SECONDS
    return settings.REPORTS_CURRENT_CACHE_SECONDS


def _store(key: str, found: Snapshot, findings: list[Finding], timeout: int) -> None:
    # The findings under a key of their own: thousands of them for a city, which the
    # dashboard never needs and would otherwise unpickle on every page.
    if timeout:
        cache.set_many({key: found, f"{key}:findings": findings}, timeout)


def snapshot(
    *, org: Organization, period: Period, today: datetime.date | None = None, cached: bool = True
) -> Snapshot:
    """The figures of `org`'s subtree for `period` (cached: see the module docstring)."""
    today = today or timezone.localdate()
    as_of = as_of_for(period, today=today)
    timeout = _timeout(as_of, today) if cached else 0
    key = _cache_key(org, period, as_of)
    found = cache.get(key) if timeout else None
    if found is None:
        found, findings = _compute(org, period, as_of, today)
        _store(key, found, findings, timeout)
    return found


def period_findings(
    *, org: Organization, period: Period, today: datetime.date | None = None
) -> list[Finding]:
    """The health findings the snapshot's counts were made from (cached with it), for the
    bulletin's lists of organisations."""
    today = today or timezone.localdate()
    as_of = as_of_for(period, today=today)
    timeout = _timeout(as_of, today)
    key = _cache_key(org, period, as_of)
    found = cache.get(f"{key}:findings") if timeout else None
    if found is None:
        snap, found = _compute(org, period, as_of, today)
        _store(key, snap, found, timeout)
    return found


def refresh(*, org: Organization, period: Period, today: datetime.date | None = None) -> Snapshot:
    """Compute `org`'s figures for `period` now and store them in the cache, e.g. from a
    periodic job for the county and its townships, so that no visitor waits for the
    health rules of a large subtree."""
    today = today or timezone.localdate()
    as_of = as_of_for(period, today=today)
    found, findings = _compute(org, period, as_of, today)
    _store(_cache_key(org, period, as_of), found, findings, _timeout(as_of, today))
    return found


def _compute(
    org: Organization, period: Period, as_of: datetime.date, today: datetime.date
) -> tuple[Snapshot, list[Finding]]:
    # Dated selectors get `as_of` only for a past day: today's figures then come from the
    # very calls the funding, venue and member pages make.
    past = as_of if as_of < today else None
    quarter = period.quarter
    year = period.year
    kinds = dict(
        Organization.objects.within(org).values_list("kind").annotate(n=Count("id")).order_by()
    )
    members = {value: n for value, _label, n in counts_by(org, "category", as_of=past)}
    standards = standards_overview(org, year)
    findings = findings_for(org, today=as_of)
    by_rule: dict[str, int] = {}
    for finding in findings:
        by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
    return Snapshot(
        as_of=as_of,
        kinds=kinds,
        members=members,
        new_members=new_members(org, period.first_day, as_of),
        lists=quarter_figures(org=org, quarter=quarter),
        standards=standards.figures,
        funds=fund_totals(org, year, as_of=past),
        sites=site_figures(org=org, as_of=past),
        findings_by_rule=by_rule,
        children=_children(org, quarter, year, past, standards, findings),
    ), findings


def _children(
    org: Organization,
    quarter: Quarter,
    year: int,
    past: datetime.date | None,
    standards: Any,
    findings: list,
) -> list[ChildFigures]:
    """Each child's figures in a constant number of queries: the children, members by
    child (counts_by_child), the quarter's lists grouped by child (the aggregates of
    checklists.figures.quarter_figures), funds by child (totals_by_child); 达标 from the
    standards overview and findings from the list already computed."""
    children = [
        ChildFigures(org_id=pk, code=code, name=name, path=path)
        for pk, code, name, path in Organization.objects.children_of(org)
        .order_by("path")
        .values_list("pk", "code", "name", "path")
    ]
    if not children:
        return []
    width = len(org.path) + PATH_STEP
    members = counts_by_child(org, as_of=past)
    lists = quarter_figures_by_child(org=org, quarter=quarter)
    standards_by_id = {c.organization.pk: c.figures for c in standards.children}
    funds_by_id = {row.org.pk: row.totals for row in totals_by_child(org, year, as_of=past)}
    findings_by_prefix: dict[str, int] = {}
    for finding in findings:
        if len(finding.org_path) >= width:
            prefix = finding.org_path[:width]
            findings_by_prefix[prefix] = findings_by_prefix.get(prefix, 0) + 1
    for child in children:
        child.members = members.get(child.org_id, 0)
        child.lists = lists.get(child.path, QuarterFigures(0, 0, 0, 0, None))
        figures = standards_by_id.get(child.org_id)
        child.standards_rate = figures.rate_of_scored if figures else None
        totals = funds_by_id.get(child.org_id)
        child.execution_rate = totals.rate if totals else None
        child.findings = findings_by_prefix.get(child.path, 0)
    return children


# --- overview ------------------------------------------------------------------------------
def overview(
    *, org: Organization, period: Period, today: datetime.date | None = None, cached: bool = True
) -> Overview:
    """Every key figure of `org`'s subtree for `period` beside the previous period's, as
    `reports.figure_table` declares them (the caller has checked that the user may see
    `org`)."""
    today = today or timezone.localdate()
    now = snapshot(org=org, period=period, today=today, cached=cached)
    before = snapshot(org=org, period=period.previous, today=today, cached=cached)
    fill = {Slot.ORG: org.code, Slot.YEAR: period.year, Slot.QUARTER: period.quarter.number}
    return Overview(
        org=org,
        period=period,
        previous_period=period.previous,
        as_of=now.as_of,
        previous_as_of=before.as_of,
        groups=[_group(spec, now, before, fill) for spec in FIGURE_TABLE],
        running=today <= period.last_day,
    )


def _group(group: GroupSpec, now: Snapshot, before: Snapshot, fill: dict[Slot, Any]) -> FigureGroup:
    shown = []
    for spec in group.figures:
        value = spec.read(now)
        previous = spec.read(before) if spec.dated else None
        if spec.only_when_found and not (value or previous):
            continue
        shown.append(
            Figure(
                spec.key,
                str(spec.label),
                value,
                previous,
                str(spec.unit),
                spec.link.url(fill),
                measure=spec.measure,
            )
        )
    return FigureGroup(group.key, str(group.title), shown)


# --- ranking -------------------------------------------------------------------------------
def ranking(
    *, org: Organization, period: Period, today: datetime.date | None = None, cached: bool = True
) -> list[RankRow]:
    """The next level down (each child's whole subtree) by the quarter's average approved
    list score, highest first; equal scores share a rank (1, 2, 2, 4) and are listed by
    code; organisations without a scored list come last, by code, without a rank (None):
    never a rank number without a score (checklists.figures.score_ranks)."""
    now = snapshot(org=org, period=period, today=today, cached=cached)
    rows = sorted(now.children, key=lambda c: by_score(c.lists.average_score, c.code))
    ranks = score_ranks([c.lists.average_score for c in rows])
    return [
        RankRow(
            rank=rank,
            org_id=child.org_id,
            code=child.code,
            name=child.name,
            members=child.members,
            submission_rate=child.lists.submission_rate,
            average_score=child.lists.average_score,
            standards_rate=child.standards_rate,
            execution_rate=child.execution_rate,
            findings=child.findings,
        )
        for rank, child in zip(ranks, rows, strict=True)
    ]
