"""Organisation life (组织生活): what was required vs what was recorded, and a record's history.

Which organisations hold meetings: the branch-like kinds (党支部, 联合党支部, 临时党支部 and
党总支, which holds its own 党员大会 and 支委会 over its branches). Party committees
(党委, 党工委) are not measured: their members meet in the branches below them.

How a requirement of "`times` per `period_months`" is measured for a chosen quarter:
- monthly (1): `3 × times` in the quarter, counting records held in the quarter;
- quarterly (3): `times` in the quarter;
- half-yearly (6) and yearly (12): counted over the period that contains the quarter, from
  its first day up to the end of the quarter (e.g. Q1–Q3 for yearly and Q3); `times` is
  required only in the period's last quarter (Q2/Q4 for half-yearly, Q4 for yearly). Before
  that the row shows what was recorded so far and "due by" the period's last quarter, with
  no shortfall, so that a 组织生活会 held in December is never a shortfall in March.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.history import HistoryEntry, display_value, history_entries
from core.periods import Quarter

from ..choices import MeetingKind, OrgKind
from ..models import Organization
from .models import MeetingRequirement, OrgLifeRecord

#: organisations that hold 三会一课 and are measured against MeetingRequirement
MEETING_ORG_KINDS: tuple[str, ...] = (
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
    OrgKind.TEMPORARY_BRANCH,
    OrgKind.GENERAL_BRANCH,
)


def holds_meetings(org: Organization) -> bool:
    return org.kind in MEETING_ORG_KINDS


def _first_quarter_of_period(quarter: Quarter, period_months: int) -> Quarter:
    """The first quarter of the half-year or year (`period_months` 6 or 12) that holds
    `quarter`; `quarter` itself for monthly and quarterly requirements."""
    if period_months <= 3:
        return quarter
    per_period = period_months // 3
    return Quarter(quarter.year, (quarter.number - 1) // per_period * per_period + 1)


def _due_quarter(quarter: Quarter, period_months: int) -> Quarter:
    """The quarter by whose end a requirement of the period containing `quarter` is due."""
    if period_months <= 3:
        return quarter
    per_period = period_months // 3
    return Quarter(quarter.year, ((quarter.number - 1) // per_period + 1) * per_period)


@dataclass(frozen=True)
class KindTally:
    kind: str
    label: str
    period_months: int
    required: int
    recorded: int
    #: the quarter by whose end `required` is due (== the chosen quarter unless not yet due)
    due_quarter: Quarter
    window: str

    @property
    def shortfall(self) -> int:
        return max(self.required - self.recorded, 0)

    @property
    def not_yet_due(self) -> bool:
        """A half-yearly/yearly requirement whose period ends after the chosen quarter."""
        return self.required == 0


@dataclass(frozen=True)
class OrgLifeSummary:
    organization: Organization
    quarter: Quarter
    rows: list[KindTally] = field(default_factory=list)

    @property
    def shortfalls(self) -> list[KindTally]:
        return [row for row in self.rows if row.shortfall]

    @property
    def missing_total(self) -> int:
        return sum(row.shortfall for row in self.rows)


def _window_label(quarter: Quarter, period_months: int) -> str:
    if period_months == 1 or period_months == 3:
        return quarter.label
    values = {"y": quarter.year, "q": quarter.number}
    if period_months == 6:
        half = _("上半年") if quarter.number <= 2 else _("下半年")
        return _("%(y)d年%(half)s（截至第%(q)d季度）") % {**values, "half": half}
    return _("%(y)d年（截至第%(q)d季度）") % values


def _summaries(organizations: Iterable[Organization], quarter: Quarter) -> list[OrgLifeSummary]:
    """Three queries whatever the number of organisations: the organisations, the
    requirements, and one grouped count of records with a count per window."""
    orgs = list(organizations)
    requirements = list(MeetingRequirement.objects.all())
    if not orgs or not requirements:
        return [OrgLifeSummary(o, quarter) for o in orgs]
    starts = {
        r.period_months: _first_quarter_of_period(quarter, r.period_months).first_day
        for r in requirements
    }
    windows = sorted(set(starts.values()))
    counts: dict[tuple[int, str, datetime.date], int] = {}
    aggregates = {
        f"w{i}": Count("pk", filter=Q(held_on__gte=start)) for i, start in enumerate(windows)
    }
    ids = [o.pk for o in orgs]
    rows = (
        OrgLifeRecord.objects.filter(
            organization_id__in=ids, held_on__gte=windows[0], held_on__lte=quarter.last_day
        )
        .values("organization_id", "kind")
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        for i, start in enumerate(windows):
            counts[(row["organization_id"], row["kind"], start)] = row[f"w{i}"]
    labels = dict(MeetingKind.choices)
    order = {kind: i for i, kind in enumerate(MeetingKind.values)}
    requirements.sort(key=lambda r: order.get(r.kind, len(order)))
    summaries = []
    for org in orgs:
        tallies = []
        for req in requirements:
            due = _due_quarter(quarter, req.period_months)
            if req.period_months == 1:
                required = 3 * req.times_per_period
            elif due == quarter:
                required = req.times_per_period
            else:
                required = 0
            tallies.append(
                KindTally(
                    kind=req.kind,
                    label=str(labels.get(req.kind, req.kind)),
                    period_months=req.period_months,
                    required=required,
                    recorded=counts.get((org.pk, req.kind, starts[req.period_months]), 0),
                    due_quarter=due,
                    window=_window_label(quarter, req.period_months),
                )
            )
        summaries.append(OrgLifeSummary(org, quarter, tallies))
    return summaries


def life_summary(org: Organization, quarter: Quarter) -> list[OrgLifeSummary]:
    """For every meeting-holding organisation of `org`'s subtree (in tree order): per
    MeetingKind, required vs recorded in that quarter (see the module docstring)."""
    subtree = Organization.objects.within(org).filter(kind__in=MEETING_ORG_KINDS)
    return _summaries(subtree.order_by("path"), quarter)


def life_summary_for_user(user: Any, quarter: Quarter) -> list[OrgLifeSummary]:
    """The same for every meeting-holding organisation the user may see."""
    orgs = Organization.objects.visible_to(user).filter(kind__in=MEETING_ORG_KINDS).order_by("path")
    return _summaries(orgs, quarter)


def record_years(queryset) -> list[int]:
    """Years that have records, newest first (for the list's year filter)."""
    return sorted({d.year for d in queryset.dates("held_on", "year")}, reverse=True)


# --- history ---------------------------------------------------------------------------
#: shown on the record's page already, or not changed by an edit
HIDDEN_HISTORY_FIELDS = ("organization", "recorded_by", "created_at")
#: characters of a changed value shown (the minutes can be long)
SHOWN_VALUE_MAX = 60


def _display(field_name: str, value: Any) -> str:
    text = display_value(OrgLifeRecord, field_name, value)
    if not text:
        return "—"
    return text if len(text) <= SHOWN_VALUE_MAX else f"{text[:SHOWN_VALUE_MAX]}…"


def record_history(record: OrgLifeRecord) -> tuple[list[HistoryEntry], bool]:
    """The newest history records of `record`, each with the fields it changed, and
    whether older ones exist."""
    return history_entries(record.history, display=_display, excluded_fields=HIDDEN_HISTORY_FIELDS)
