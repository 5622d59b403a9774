"""The health rules (组织健康体检): every finding of an organisation's subtree.

`findings_for(org)` is called alike by `manage.py org_health`, the /health/ page, its
export, the dashboard, the bulletin and the tests. It runs a bounded number of queries
whatever the subtree's size (about thirty: the organisations, their ancestors, the
thresholds, one member aggregate, the roster rules, the quarter's meetings, the register,
the member services and the funding warnings, the lists, the leadership teams;
health.warnings holds the member, funding and list rules, health.roster the roster rules,
health.teams the team rules).

Which organisation each rule looks at (DOMAIN.md, Organisations):
- the three village problems (`fewer_than_10_members`, `no_member_under_40`,
  `no_female_member`) concern a *village or community*: the topmost 村级 organisation of
  domain 农村 or 城市社区 on its path. A 村党委 or 党总支 with branches under it is one
  village, counted with all its branches' members; its branches are not villages of their
  own. Asked about a branch whose village lies above it, these rules say nothing: the
  finding belongs to the village, outside the subtree asked about.
- `branch_over_50` concerns a 党支部 or 联合党支部 (a joint branch is a branch too and
  should split as well); `fewer_than_3_full_members` a 党支部 only: a 联合党支部 exists
  precisely because its units have fewer than three, and a 临时党支部 is not a standing
  organisation. Their members are those of the branch and anything recorded under it.
- `no_meeting_this_quarter` concerns the organisations that hold a 支部党员大会: 党支部 and
  联合党支部. A 党总支 or 党委 holds a 党员大会 of its own kind, and a 临时党支部 takes
  no votes (it neither admits nor disciplines members), so neither is flagged.
- `general_branch_under_50` concerns a 党总支 and `committee_under_100` a 基层党委 (a 党委
  at township, village or 其他 level; the county's and the city's committees are not
  基层党委); their members are those of their whole subtree. `may_form_committee`
  concerns a village (domain 农村; 农村基层组织工作条例) that is not yet a 党委.
- `joint_branch_over_5_units` concerns a 联合党支部, by the units it lists.
- `members_outside_branch` and `probation_overdue` read the roster (health.roster).
- terms and the weak-and-lax flag concern every organisation; a 党工委 and a 临时党支部
  are appointed, not elected, and have no term (orgs.terms). A term past its end whose
  election has been held and awaits approval says so (the term starts with the approved
  election: teams.services.elections.sync_term).
- the 书记, the committees, the vetting of village secretaries and the cadres' pay read
  the leadership teams (health.teams, whose docstring says which organisations each
  concerns); `committee_required` takes its branches' 正式党员 from the member count here.
Member counts are the 在册 members of the day asked about: today's roster, or for a past
day (a bulletin of a past quarter) the members of that day from their dated facts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import Quarter, add_months, add_years
from members.choices import Category, Gender
from members.selectors import subtree_members
from orgs.choices import MeetingKind, OrgDomain, OrgKind, OrgLevel
from orgs.models import Organization, OrgLifeRecord
from orgs.scope import PATH_STEP

from ..choices import FLAGGED_STATUSES, ThresholdKey, WeakLaxStatus
from ..models import WeakLaxEntry
from ..thresholds import thresholds
from .findings import (
    BRANCH_OVER_50,
    COMMITTEE_UNDER_100,
    DANGER,
    FEWER_THAN_3_FULL_MEMBERS,
    FEWER_THAN_10_MEMBERS,
    GENERAL_BRANCH_UNDER_50,
    INFO,
    JOINT_BRANCH_OVER_5_UNITS,
    MAY_FORM_COMMITTEE,
    NO_FEMALE_MEMBER,
    NO_MEETING_THIS_QUARTER,
    NO_MEMBER_UNDER_40,
    TERM_EXPIRED,
    TERM_EXPIRING,
    WARNING,
    WEAK_AND_LAX,
    Finding,
    finding,
    sort_key,
)
from .roster import outside_branch_findings, past_day, probation_findings
from .teams import pending_elections, team_findings
from .units import Units
from .warnings import checklist_findings, funding_findings, member_findings

PLACE_DOMAINS = (OrgDomain.RURAL, OrgDomain.URBAN_COMMUNITY)
BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
ASSEMBLY_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
# A 基层党委 is a 党委 below the county (DOMAIN.md, Organisations).
BASE_COMMITTEE_LEVELS = (OrgLevel.TOWNSHIP, OrgLevel.VILLAGE, OrgLevel.OTHER)

ORG_FIELDS = (
    "id",
    "path",
    "depth",
    "code",
    "name",
    "kind",
    "level",
    "domain",
    "founded_on",
    "term_started_on",
    "term_years",
    "is_weak_and_lax",
    "covered_units",
)


def is_place(org: Any) -> bool:
    return org.level == OrgLevel.VILLAGE and org.domain in PLACE_DOMAINS


def is_base_committee(org: Any) -> bool:
    return org.kind == OrgKind.PARTY_COMMITTEE and org.level in BASE_COMMITTEE_LEVELS


def findings_for(org: Organization, *, today: datetime.date | None = None) -> list[Finding]:
    """Every health finding of `org` and everything under it, grouped by rule (in
    RULE_LABELS order), then most serious first, then in tree order."""
    today = today or timezone.localdate()
    figures = thresholds()
    orgs = list(Organization.objects.within(org).only(*ORG_FIELDS))
    units = _units(org, orgs)
    counts = _unit_counts(org, units, figures, today)
    findings: list[Finding] = []
    findings += _structure_findings(units, counts, figures)
    findings += _joint_branch_findings(orgs, figures)
    findings += outside_branch_findings(org, orgs, today)
    findings += probation_findings(org, today)
    findings += _term_findings(orgs, figures, today)
    findings += team_findings(org, orgs, units, counts, figures, today)
    findings += _weak_and_lax_findings(orgs, today)
    findings += _meeting_findings(org, orgs, today)
    findings += member_findings(org, today)
    findings += funding_findings(org, today)
    findings += checklist_findings(org, today)
    return sorted(findings, key=sort_key)


# --- members per village and branch ------------------------------------------------------
def _member_rows(org: Organization, today: datetime.date, young_age: int) -> list[dict]:
    """Each organisation's direct current members: total, women, under the young-age line,
    full members (one query). Not members.selectors.org_member_figures: its age line is 40,
    ours is configuration."""
    born_after = add_years(today, -young_age)
    # A past day counts the members of that day (members.selectors.subtree_members: a
    # member who left later still counts), and full members by their 转正日期 then.
    as_of = past_day(today)
    full = Q(category=Category.FULL) if as_of is None else Q(confirmed_on__lte=as_of)
    return list(
        subtree_members(org, as_of=as_of)
        .values("organization__path")
        .annotate(
            total=Count("id"),
            female=Count("id", filter=Q(gender=Gender.FEMALE)),
            young=Count("id", filter=Q(birth_date__gt=born_after)),
            full=Count("id", filter=full),
        )
        .order_by()
    )


def _roll_up(rows: Iterable[dict], unit_paths: Iterable[str]) -> dict[str, dict[str, int]]:
    """Add each organisation's figures to every unit whose subtree holds it."""
    totals = {path: {"total": 0, "female": 0, "young": 0, "full": 0} for path in unit_paths}
    for row in rows:
        path = row["organization__path"]
        for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
            unit = totals.get(path[:end])
            if unit is not None:
                for key in unit:
                    unit[key] += row[key]
    return totals


def _place_above(org: Organization) -> bool:
    """Whether a village or community lies above `org` (one query; none for a root)."""
    above = [org.path[:end] for end in range(PATH_STEP, len(org.path), PATH_STEP)]
    if not above:
        return False
    return Organization.objects.filter(
        path__in=above, level=OrgLevel.VILLAGE, domain__in=PLACE_DOMAINS
    ).exists()


def _places(org: Organization, orgs: list[Organization]) -> list[Organization]:
    """The topmost village/community organisations of the subtree (see module docstring)."""
    if _place_above(org):
        return []
    place_paths = {o.path for o in orgs if is_place(o)}
    return [o for o in orgs if o.path in place_paths and o.parent_path not in place_paths]


def _units(org: Organization, orgs: list[Organization]) -> Units:
    return Units(
        places=_places(org, orgs),
        branches=[o for o in orgs if o.kind in BRANCH_KINDS],
        general_branches=[o for o in orgs if o.kind == OrgKind.GENERAL_BRANCH],
        committees=[o for o in orgs if is_base_committee(o)],
    )


def _unit_counts(
    org: Organization, units: Units, figures: dict[str, int], today: datetime.date
) -> dict[str, dict[str, int]]:
    """Each unit's members by path (one query; none without units)."""
    paths = units.paths
    if not paths:
        return {}
    return _roll_up(_member_rows(org, today, figures[ThresholdKey.YOUNG_AGE]), paths)


def _structure_findings(
    units: Units, counts: dict[str, dict[str, int]], figures: dict[str, int]
) -> list[Finding]:
    places, branches = units.places, units.branches
    young_age = figures[ThresholdKey.YOUNG_AGE]
    minimum = figures[ThresholdKey.MIN_VILLAGE_MEMBERS]
    maximum = figures[ThresholdKey.MAX_BRANCH_MEMBERS]
    min_full = figures[ThresholdKey.MIN_FULL_MEMBERS]
    findings = []
    for place in places:
        c = counts[place.path]
        if c["total"] < minimum:
            findings.append(
                finding(
                    place,
                    FEWER_THAN_10_MEMBERS,
                    WARNING,
                    _("党员 %(n)d 名，少于 %(min)d 名。") % {"n": c["total"], "min": minimum},
                )
            )
        if c["young"] == 0:
            findings.append(
                finding(
                    place,
                    NO_MEMBER_UNDER_40,
                    WARNING,
                    _("%(age)d 岁以下党员 0 名（共有党员 %(n)d 名）。")
                    % {"age": young_age, "n": c["total"]},
                )
            )
        if c["female"] == 0:
            findings.append(
                finding(
                    place,
                    NO_FEMALE_MEMBER,
                    WARNING,
                    _("女党员 0 名（共有党员 %(n)d 名）。") % {"n": c["total"]},
                )
            )
    for branch in branches:
        c = counts[branch.path]
        if c["total"] > maximum:
            findings.append(
                finding(
                    branch,
                    BRANCH_OVER_50,
                    INFO,
                    _("党员 %(n)d 名，超过 %(max)d 名，可考虑分设党支部或成立党总支。")
                    % {"n": c["total"], "max": maximum},
                )
            )
        if branch.kind == OrgKind.BRANCH and c["full"] < min_full:
            findings.append(
                finding(
                    branch,
                    FEWER_THAN_3_FULL_MEMBERS,
                    WARNING,
                    _("正式党员 %(n)d 名，少于 %(min)d 名，宜与邻近单位组建联合党支部。")
                    % {"n": c["full"], "min": min_full},
                )
            )
    findings += _setting_up_findings(
        places,
        units.general_branches,
        units.committees,
        {path: c["total"] for path, c in counts.items()},
        figures,
    )
    return findings


def _setting_up_findings(
    places: list[Organization],
    general_branches: list[Organization],
    committees: list[Organization],
    totals: dict[str, int],
    figures: dict[str, int],
) -> list[Finding]:
    """A 党总支 is for more than 50 members and a 基层党委 for 100 or more: smaller ones are
    warnings, not errors (the committee above may have approved them for the work's sake);
    a village of 100 members may form a 党委."""
    general_minimum = figures[ThresholdKey.GENERAL_BRANCH_MIN_MEMBERS]
    committee_minimum = figures[ThresholdKey.COMMITTEE_MIN_MEMBERS]
    findings = []
    for o in general_branches:
        n = totals[o.path]
        if n <= general_minimum:
            findings.append(
                finding(
                    o,
                    GENERAL_BRANCH_UNDER_50,
                    WARNING,
                    _(
                        "党员 %(n)d 名，未超过 %(min)d 名：党员超过 %(min)d 名方设党总支，"
                        "未经上级党组织批准的宜改设党支部。"
                    )
                    % {"n": n, "min": general_minimum},
                )
            )
    for o in committees:
        n = totals[o.path]
        if n < committee_minimum:
            findings.append(
                finding(
                    o,
                    COMMITTEE_UNDER_100,
                    WARNING,
                    _(
                        "党员 %(n)d 名，少于 %(min)d 名：党员 %(min)d 名以上方设基层党委，"
                        "未经上级党组织批准的宜改设党总支或党支部。"
                    )
                    % {"n": n, "min": committee_minimum},
                )
            )
    for o in places:
        n = totals[o.path]
        village = o.domain == OrgDomain.RURAL and o.kind != OrgKind.PARTY_COMMITTEE
        if village and n >= committee_minimum:
            findings.append(
                finding(
                    o,
                    MAY_FORM_COMMITTEE,
                    INFO,
                    _("党员 %(n)d 名，达到 %(min)d 名，根据工作需要经县级党委批准可设立村党委。")
                    % {"n": n, "min": committee_minimum},
                )
            )
    return findings


def _joint_branch_findings(orgs: list[Organization], figures: dict[str, int]) -> list[Finding]:
    """A 联合党支部 covers at most five units (as recorded in 联合党支部所含单位)."""
    maximum = figures[ThresholdKey.JOINT_BRANCH_MAX_UNITS]
    findings = []
    for o in orgs:
        if o.kind != OrgKind.JOINT_BRANCH:
            continue
        units = o.covered_unit_list
        if len(units) > maximum:
            findings.append(
                finding(
                    o,
                    JOINT_BRANCH_OVER_5_UNITS,
                    WARNING,
                    _(
                        "所含单位 %(n)d 个，超过 %(max)d 个（%(units)s），"
                        "宜按地域相邻、行业相近分设联合党支部。"
                    )
                    % {"n": len(units), "max": maximum, "units": "、".join(units)},
                )
            )
    return findings


# --- terms, weak-and-lax flag -------------------------------------------------------------
def _term_findings(
    orgs: list[Organization], figures: dict[str, int], today: datetime.date
) -> list[Finding]:
    """Expired on the day the term ends (as orgs.terms.term_status); expiring within the
    configured number of months. An election held and not yet approved is named: the
    term runs on until the committee above approves it (one query, for those due)."""
    notice_until = add_months(today, figures[ThresholdKey.TERM_EXPIRING_MONTHS])
    due = [o for o in orgs if o.term_ends_on is not None and o.term_ends_on <= notice_until]
    pending = pending_elections(due, today)
    findings = []
    for o in due:
        ends_on = o.term_ends_on
        values = {"years": o.term_years, "day": ends_on.isoformat()}
        election = pending.get(o.id)
        held = (
            _("已于 %(day)s 选举，待上级批复。") % {"day": election.held_on.isoformat()}
            if election is not None
            else ""
        )
        if ends_on <= today:
            late = _("本届任期 %(years)d 年，已于 %(day)s 届满（逾期 %(late)d 天），") % {
                **values,
                "late": (today - ends_on).days,
            }
            message = late + (held or _("应及时换届。"))
            findings.append(finding(o, TERM_EXPIRED, WARNING, message))
        else:
            left = _("本届任期 %(years)d 年，将于 %(day)s 届满（还有 %(left)d 天）。") % {
                **values,
                "left": (ends_on - today).days,
            }
            findings.append(finding(o, TERM_EXPIRING, INFO, left + held))
    return findings


def _weak_and_lax_findings(orgs: list[Organization], today: datetime.date) -> list[Finding]:
    flagged = [o for o in orgs if o.is_weak_and_lax]
    if not flagged:
        return []
    # The entry under rectification if there is one, else the latest (one query).
    entries: dict[int, WeakLaxEntry] = {}
    for entry in WeakLaxEntry.objects.filter(organization_id__in=[o.id for o in flagged]).order_by(
        "organization_id", "-year"
    ):
        current = entries.get(entry.organization_id)
        if current is None or (
            entry.status in FLAGGED_STATUSES and current.status not in FLAGGED_STATUSES
        ):
            entries[entry.organization_id] = entry
    findings = []
    for o in flagged:
        entry = entries.get(o.id)
        if entry is None:
            message = _("列为软弱涣散党组织，整顿台账中没有登记。")
        else:
            message = _("列为软弱涣散党组织（%(year)d 年台账，%(status)s，整顿期限 %(day)s）。") % {
                "year": entry.year,
                "status": WeakLaxStatus(entry.status).label,
                "day": entry.deadline.isoformat(),
            }
            if entry.status in FLAGGED_STATUSES and entry.deadline < today:
                message += _("已超过整顿期限 %(n)d 天。") % {"n": (today - entry.deadline).days}
        findings.append(finding(o, WEAK_AND_LAX, DANGER, message))
    return findings


# --- organisation life -------------------------------------------------------------------
def _meeting_findings(
    org: Organization, orgs: list[Organization], today: datetime.date
) -> list[Finding]:
    holders = [o for o in orgs if o.kind in ASSEMBLY_KINDS]
    if not holders:
        return []
    quarter = Quarter.of(today)
    first, last = quarter.first_day, quarter.last_day
    held = set(
        OrgLifeRecord.objects.within(org)
        .filter(kind=MeetingKind.BRANCH_ASSEMBLY, held_on__range=(first, last))
        .values_list("organization_id", flat=True)
        .distinct()
    )
    template = _(
        "%(year)d 年第 %(q)d 季度（%(first)s 至 %(last)s）尚未记录支部党员大会"
        "（已记录 0 次，本季度还剩 %(left)d 天）。"
    )
    values = {
        "year": quarter.year,
        "q": quarter.number,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "left": (last - today).days,
    }
    message = template % values
    return [
        finding(o, NO_MEETING_THIS_QUARTER, WARNING, message) for o in holders if o.id not in held
    ]
