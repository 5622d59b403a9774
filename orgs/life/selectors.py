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

Requirements follow the bodies an organisation has on the quarter's last day (or today,
if earlier): 支委会 only where a 支部委员会 exists (a 党总支's elected committee, or a branch
with at least COMMITTEE_MIN_FULL_MEMBERS 正式党员; below that a 书记 and perhaps a 副书记),
党小组会 only where 党小组 have been formed. Where a body is missing the row says why and
asks for nothing; what was recorded is still shown.

A vote needs more than half of the 正式党员 with voting rights present (预备党员 attend but
do not vote): counted from the attendance by name where it was recorded, estimated from the
head counts otherwise (`quorum_of`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import HistoryEntry, display_value, history_entries
from core.periods import Quarter

from ..choices import MeetingKind, OrgKind
from ..models import Organization
from .models import MeetingRequirement, OrgLifeRecord
from .providers import AttendanceTally, BranchBodies, attendance_tallies, branch_bodies

#: organisations that hold 三会一课 and are measured against MeetingRequirement
MEETING_ORG_KINDS: tuple[str, ...] = (
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
    OrgKind.TEMPORARY_BRANCH,
    OrgKind.GENERAL_BRANCH,
)


#: organisations that may form 党小组 (a 党总支's members are in its branches)
PARTY_GROUP_ORG_KINDS: tuple[str, ...] = (
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
    OrgKind.TEMPORARY_BRANCH,
)
#: 正式党员 from which a branch elects a 支部委员会 (支部工作条例, 2018); a national figure,
#: not a provincial one, hence not configuration
COMMITTEE_MIN_FULL_MEMBERS = 7


def holds_meetings(org: Organization) -> bool:
    return org.kind in MEETING_ORG_KINDS


def has_committee(org: Organization, bodies: BranchBodies) -> bool:
    """A 党总支 always has its elected committee; a branch has one from
    COMMITTEE_MIN_FULL_MEMBERS 正式党员 on."""
    return org.kind == OrgKind.GENERAL_BRANCH or bodies.full_members >= COMMITTEE_MIN_FULL_MEMBERS


def why_not_required(org: Organization, kind: str, bodies: BranchBodies) -> str:
    """Why a kind of meeting is not asked of `org` (its body is missing), or ""."""
    if kind == MeetingKind.COMMITTEE_MEETING and not has_committee(org, bodies):
        return _("正式党员 %(n)d 名，不足 %(min)d 名，未设支部委员会") % {
            "n": bodies.full_members,
            "min": COMMITTEE_MIN_FULL_MEMBERS,
        }
    if kind == MeetingKind.GROUP_MEETING and not bodies.party_groups:
        return _("未设党小组")
    return ""


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
    #: why the organisation is not asked for this kind (it lacks the body that meets)
    not_required_because: str = ""

    @property
    def shortfall(self) -> int:
        return max(self.required - self.recorded, 0)

    @property
    def not_required(self) -> bool:
        return bool(self.not_required_because)

    @property
    def not_yet_due(self) -> bool:
        """A half-yearly/yearly requirement whose period ends after the chosen quarter."""
        return self.required == 0 and not self.not_required


@dataclass(frozen=True)
class OrgLifeSummary:
    organization: Organization
    quarter: Quarter
    rows: list[KindTally] = field(default_factory=list)
    #: what the organisation has that meets (its 正式党员, its 党小组)
    bodies: BranchBodies = BranchBodies()

    @property
    def shortfalls(self) -> list[KindTally]:
        return [row for row in self.rows if row.shortfall]

    @property
    def has_committee(self) -> bool:
        return has_committee(self.organization, self.bodies)

    @property
    def may_form_groups(self) -> bool:
        return self.organization.kind in PARTY_GROUP_ORG_KINDS

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
    """Four queries whatever the number of organisations: the organisations, the
    requirements, one grouped count of records with a count per window, and the bodies
    the organisations have."""
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
    bodies = branch_bodies(ids, min(quarter.last_day, timezone.localdate()))
    labels = dict(MeetingKind.choices)
    order = {kind: i for i, kind in enumerate(MeetingKind.values)}
    requirements.sort(key=lambda r: order.get(r.kind, len(order)))
    summaries = []
    for org in orgs:
        tallies = []
        for req in requirements:
            due = _due_quarter(quarter, req.period_months)
            because = why_not_required(org, req.kind, bodies[org.pk])
            if because:
                required = 0
            elif req.period_months == 1:
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
                    not_required_because=because,
                )
            )
        summaries.append(OrgLifeSummary(org, quarter, tallies, bodies[org.pk]))
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


# --- quorum ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quorum:
    """Whether a vote could be taken: more than half of those with a vote present."""

    present: int
    expected: int
    #: from the head counts: without names 预备党员 cannot be told from 正式党员
    estimated: bool

    @property
    def quorate(self) -> bool:
        return self.present * 2 > self.expected


def quorum_of(record: OrgLifeRecord, tally: AttendanceTally | None) -> Quorum:
    if tally is None:
        return Quorum(present=record.present, expected=record.expected, estimated=True)
    return Quorum(present=tally.voters_present, expected=tally.voters_expected, estimated=False)


def attendance_of(
    records: Iterable[OrgLifeRecord],
) -> dict[int, tuple[AttendanceTally | None, Quorum]]:
    """Each record's attendance by name (None when it counts heads only) and its quorum,
    by id (one query)."""
    records = list(records)
    tallies = attendance_tallies([r.pk for r in records])
    return {r.pk: (tallies.get(r.pk), quorum_of(r, tallies.get(r.pk))) for r in records}


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
