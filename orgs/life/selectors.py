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
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import FieldChange, HistoryEntry

from .choices import MeetingKind, OrgKind
from .models import MeetingRequirement, Organization, OrgLifeRecord

#: organisations that hold 三会一课 and are measured against MeetingRequirement
MEETING_ORG_KINDS: tuple[str, ...] = (
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
    OrgKind.TEMPORARY_BRANCH,
    OrgKind.GENERAL_BRANCH,
)
QUARTERS = (1, 2, 3, 4)


def holds_meetings(org: Organization) -> bool:
    return org.kind in MEETING_ORG_KINDS


def current_quarter(today: datetime.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of the quarter."""
    first = datetime.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    last = (
        datetime.date(year, 12, 31)
        if last_month == 12
        else datetime.date(year, last_month + 1, 1) - datetime.timedelta(days=1)
    )
    return first, last


def _window_start(year: int, quarter: int, period_months: int) -> datetime.date:
    """First day of the counting window of a requirement for the quarter."""
    if period_months <= 3:
        return quarter_bounds(year, quarter)[0]
    quarters_per_period = period_months // 3
    first_quarter = (quarter - 1) // quarters_per_period * quarters_per_period + 1
    return quarter_bounds(year, first_quarter)[0]


def _due_quarter(quarter: int, period_months: int) -> int:
    """The quarter by whose end a requirement of the period containing `quarter` is due."""
    if period_months <= 3:
        return quarter
    quarters_per_period = period_months // 3
    return ((quarter - 1) // quarters_per_period + 1) * quarters_per_period


@dataclass(frozen=True)
class KindTally:
    kind: str
    label: str
    period_months: int
    required: int
    recorded: int
    #: the quarter by whose end `required` is due (== the chosen quarter unless not yet due)
    due_quarter: int
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
    year: int
    quarter: int
    rows: list[KindTally] = field(default_factory=list)

    @property
    def shortfalls(self) -> list[KindTally]:
        return [row for row in self.rows if row.shortfall]

    @property
    def missing_total(self) -> int:
        return sum(row.shortfall for row in self.rows)


def _window_label(year: int, quarter: int, period_months: int) -> str:
    if period_months == 1 or period_months == 3:
        return _("%(y)d年第%(q)d季度") % {"y": year, "q": quarter}
    if period_months == 6:
        half = _("上半年") if quarter <= 2 else _("下半年")
        return _("%(y)d年%(half)s（截至第%(q)d季度）") % {"y": year, "half": half, "q": quarter}
    return _("%(y)d年（截至第%(q)d季度）") % {"y": year, "q": quarter}


def _summaries(
    organizations: Iterable[Organization], year: int, quarter: int
) -> list[OrgLifeSummary]:
    """Three queries whatever the number of organisations: the organisations, the
    requirements, and one grouped count of records with a count per window."""
    orgs = list(organizations)
    requirements = list(MeetingRequirement.objects.all())
    if not orgs or not requirements:
        return [OrgLifeSummary(o, year, quarter) for o in orgs]
    quarter_start, quarter_end = quarter_bounds(year, quarter)
    windows = sorted({_window_start(year, quarter, r.period_months) for r in requirements})
    counts: dict[tuple[int, str, datetime.date], int] = {}
    aggregates = {
        f"w{i}": Count("pk", filter=Q(held_on__gte=start)) for i, start in enumerate(windows)
    }
    ids = [o.pk for o in orgs]
    rows = (
        OrgLifeRecord.objects.filter(
            organization_id__in=ids, held_on__gte=windows[0], held_on__lte=quarter_end
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
            start = _window_start(year, quarter, req.period_months)
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
                    recorded=counts.get((org.pk, req.kind, start), 0),
                    due_quarter=due,
                    window=_window_label(year, quarter, req.period_months),
                )
            )
        summaries.append(OrgLifeSummary(org, year, quarter, tallies))
    return summaries


def life_summary(org: Organization, year: int, quarter: int) -> list[OrgLifeSummary]:
    """For every meeting-holding organisation of `org`'s subtree (in tree order): per
    MeetingKind, required vs recorded in that quarter (see the module docstring)."""
    subtree = Organization.objects.filter(
        path__startswith=org.path, kind__in=MEETING_ORG_KINDS
    ).order_by("path")
    return _summaries(subtree, year, quarter)


def life_summary_for_user(user: Any, year: int, quarter: int) -> list[OrgLifeSummary]:
    """The same for every meeting-holding organisation the user may see."""
    orgs = Organization.objects.visible_to(user).filter(kind__in=MEETING_ORG_KINDS).order_by("path")
    return _summaries(orgs, year, quarter)


def record_years(queryset) -> list[int]:
    """Years that have records, newest first (for the list's year filter)."""
    return sorted({d.year for d in queryset.dates("held_on", "year")}, reverse=True)


# --- history ---------------------------------------------------------------------------
HISTORY_LIMIT = 20


def _display(field_name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    model_field = OrgLifeRecord._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 60 else f"{text[:60]}…"


HIDDEN_HISTORY_FIELDS = frozenset({"organization", "recorded_by", "created_at"})


def record_history(
    record: OrgLifeRecord, limit: int = HISTORY_LIMIT
) -> tuple[list[HistoryEntry], bool]:
    """The newest `limit` history records of `record`, each with the fields it changed,
    and whether older ones exist (one query)."""
    records = list(
        record.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    order = {f.name: i for i, f in enumerate(OrgLifeRecord._meta.fields)}
    entries = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            for change in sorted(delta.changes, key=lambda c: order.get(c.field, 0)):
                if change.field in HIDDEN_HISTORY_FIELDS:
                    continue
                changes.append(
                    FieldChange(
                        label=str(OrgLifeRecord._meta.get_field(change.field).verbose_name),
                        old=_display(change.field, change.old),
                        new=_display(change.field, change.new),
                    )
                )
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                user=newer.history_user,
                action=newer.get_history_type_display(),
                reason=newer.history_change_reason or "",
                changes=changes,
            )
        )
    return entries, len(records) > limit
