"""The health rules read from the leadership teams (班子与换届): a 书记 post left vacant, a
支部委员会 missing or oversized, a village 书记 in post without a passed 资格联审 or 县级备案,
village cadres paid below the standard, and the elections the term rules mention.

Which organisations each rule looks at:
- `secretary_vacant`: every organisation, as before the teams were recorded: a 党委, 党总支
  or 党支部 elects its 书记, a 党工委 or 临时党支部 has one appointed by the committee above,
  and either way the post must be filled. The vacancy runs from the last 书记's 离任日期
  (teams.selectors.secretary_vacancies) and is reported when it has lasted more than the
  configured days (`secretary_vacant_days`, 90). An organisation with no 书记 ever
  recorded is reported as 未登记书记, except one founded within those days (it has them to
  choose its 书记) and, on a past day, one whose first 书记 record begins after that day
  (the record begins where the portal's knowledge does; it does not say the post was
  vacant before). Only a 基层党组织 that elects its 书记 is told that a long vacancy is a
  软弱涣散 situation: the county's and the city's committees are not 基层党组织, and a
  党工委 or 临时党支部 waits for the committee above to appoint one.
- `committee_required` and `committee_oversized` on a branch: a 党支部 or 联合党支部, the
  branches of health.rules (a joint branch elects its committee like any branch; a
  临时党支部 has its 书记 and 委员 designated and no 支部委员会). From
  COMMITTEE_MIN_FULL_MEMBERS (7) 正式党员 — health.rules' count, the same as
  `fewer_than_3_full_members` reads — a branch sets up a 支部委员会 of 3 to 5, at most 7,
  members; these are national figures (支部工作条例, 2018), not configuration.
  `committee_oversized` also holds a 党总支's and a 基层党委's committee (health.rules'
  units) to the configured `general_branch_seats_max` and `base_committee_seats_max` (9
  each): usual practice puts a 总支部委员会 at 5–7 members, at most 9, and a 基层委员会
  at 5–9, and a province may differ. The county's and the city's committees are left out.
- `candidate_not_vetted`: the 书记 in post of a village or community (as the 换届 page,
  teams.renewal.is_village_or_community). A 书记 is matched to the organisation's 书记
  candidates by ID number and needs a passed 资格联审 and a 县级备案 date; one known by
  name only cannot be matched and is asked for the ID number. The rule looks only at the
  secretaries whose vetting the portal is expected to hold: one who is among the
  organisation's candidates, one who took the post on or after the day its first 书记
  candidate was proposed, and one elected at an election recorded here (a 换届 vets its
  candidates first). A 书记 in post since before the organisation's vetting was recorded
  here was vetted on paper at an earlier 换届; asking for that record again would flag
  every village the day the portal opens, and the 换届 page already shows the villages
  with no candidate. A name-only 书记 of an organisation that has candidates is asked for
  the ID number: nobody can tell whether they are one of them.
- `cadre_pay_below_standard`: each organisation with cadre pay rows, in its latest year of
  them up to the day's year (a village that has not entered this year's pay yet is still
  held to last year's), against the standard of that year set by the organisation itself
  or the nearest one above it.

A bounded number of queries whatever the subtree's size: two for the vacancies, one for
the secretaries in post, one for the committees, two for the candidates and their checks,
two for the pay, one for the elections of the term rules; each is skipped when nothing
in the subtree needs it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db.models import Count, F, Max, Q, Window
from django.utils.translation import gettext as _

from core.numbers import money
from orgs.choices import OrgKind, OrgLevel
from orgs.life.selectors import COMMITTEE_MIN_FULL_MEMBERS
from orgs.models import Organization
from orgs.terms import is_elected
from teams.choices import REQUIRED_VETTING_BODIES, Position, VettingBody
from teams.models import CadrePay, Candidate, CommitteeMember, Election
from teams.people_selectors import nearest_standard, standards_for
from teams.renewal import is_village_or_community
from teams.selectors import secretary_vacancies

from ..choices import ThresholdKey
from .findings import (
    CADRE_PAY_BELOW_STANDARD,
    CANDIDATE_NOT_VETTED,
    COMMITTEE_OVERSIZED,
    COMMITTEE_REQUIRED,
    SECRETARY_VACANT,
    WARNING,
    Finding,
    finding,
)
from .units import Units
from .warnings import names_text

#: a 支部委员会 has 3 to 5 members, at most 7 (支部工作条例, 2018): national figures
BRANCH_COMMITTEE_MIN_SEATS = 3
BRANCH_COMMITTEE_MAX_SEATS = 7
#: the county's and the city's committees lead 基层党组织; they are not one
NOT_BASE_LEVELS = (OrgLevel.CITY, OrgLevel.COUNTY)


def team_findings(
    org: Organization,
    orgs: list[Organization],
    units: Units,
    counts: Mapping[str, Mapping[str, int]],
    figures: Mapping[str, int],
    today: datetime.date,
) -> list[Finding]:
    """Every team finding of `org`'s subtree: `orgs` loaded by health.rules (with
    `founded_on`), its branches, 党总支 and 基层党委 (`units`) and their members
    (`counts`, by path)."""
    secretaries = _current_secretaries(org, today)
    findings = _vacancy_findings(orgs, secretaries, figures, today)
    findings += _committee_findings(org, units, counts, figures, today)
    findings += _vetting_findings(orgs, secretaries, today)
    findings += _pay_findings(org, today)
    return findings


def pending_elections(orgs: Iterable[Organization], today: datetime.date) -> dict[int, Election]:
    """Each organisation's latest election held by `today` when it was not yet approved on
    that day and is the election of the coming term (held on or after the term start):
    the term is over, but the 换届 is held and waits for the committee above (one query)."""
    starts = {o.id: o.term_started_on for o in orgs}
    if not starts:
        return {}
    latest: dict[int, Election] = {}
    elections = (
        Election.objects.filter(organization_id__in=list(starts), held_on__lte=today)
        .only("id", "organization_id", "held_on", "approved_on")
        .order_by("organization_id", "-held_on")
    )
    for election in elections:
        latest.setdefault(election.organization_id, election)
    return {
        org_id: election
        for org_id, election in latest.items()
        if (election.approved_on is None or election.approved_on > today)
        and (starts[org_id] is None or election.held_on >= starts[org_id])
    }


# --- the 书记 --------------------------------------------------------------------------------
def _current_secretaries(org: Organization, today: datetime.date) -> list[CommitteeMember]:
    """The 书记 rows of the subtree not yet ended on `today`: those in post, and those whose
    post begins later (one query)."""
    return list(
        CommitteeMember.objects.within(org)
        .secretaries()
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .only("id", "organization_id", "name", "id_number", "started_on", "election_id")
        .order_by("organization_id", "started_on", "id")
    )


def _advice(o: Organization) -> str:
    if not is_elected(o.kind):
        return _("请上级党组织及时指定书记。")
    if o.level in NOT_BASE_LEVELS:
        return _("请尽快选配书记。")
    return _("书记长期缺职是软弱涣散基层党组织的情形之一，请尽快选配书记。")


def _vacancy_findings(
    orgs: list[Organization],
    secretaries: list[CommitteeMember],
    figures: Mapping[str, int],
    today: datetime.date,
) -> list[Finding]:
    limit = figures[ThresholdKey.SECRETARY_VACANT_DAYS]
    vacancies = secretary_vacancies([o.id for o in orgs], today)
    begins_later = {s.organization_id for s in secretaries if s.started_on > today}
    findings = []
    for o in orgs:
        if o.id not in vacancies:
            continue
        since = vacancies[o.id]
        if since is not None:
            days = (today - since).days
            if days <= limit:
                continue
            message = _("书记自 %(since)s 离任后空缺 %(days)d 天，超过 %(limit)d 天。") % {
                "since": since.isoformat(),
                "days": days,
                "limit": limit,
            }
        elif o.id in begins_later:
            continue
        elif o.founded_on is not None:
            days = (today - o.founded_on).days
            if days <= limit:
                continue
            message = _(
                "未登记书记：本组织 %(founded)s 成立，%(days)d 天来没有书记在任的记录，"
                "超过 %(limit)d 天。"
            ) % {"founded": o.founded_on.isoformat(), "days": days, "limit": limit}
        else:
            message = _("未登记书记：班子成员中没有书记的任职记录。")
        findings.append(finding(o, SECRETARY_VACANT, WARNING, message + _advice(o)))
    return findings


# --- committees ------------------------------------------------------------------------------
def _committee_findings(
    org: Organization,
    units: Units,
    counts: Mapping[str, Mapping[str, int]],
    figures: Mapping[str, int],
    today: datetime.date,
) -> list[Finding]:
    """A branch of 7 or more 正式党员 with fewer than 3 committee members in post, and
    committees in post beyond their size (one query)."""
    bounded = [
        *((o, BRANCH_COMMITTEE_MAX_SEATS) for o in units.branches),
        *((o, figures[ThresholdKey.GENERAL_BRANCH_SEATS_MAX]) for o in units.general_branches),
        *((o, figures[ThresholdKey.BASE_COMMITTEE_SEATS_MAX]) for o in units.committees),
    ]
    if not bounded:
        return []
    seats = dict(
        CommitteeMember.objects.within(org)
        .in_post_on(today)
        .values("organization_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("organization_id", "n")
    )
    findings = []
    for o in units.branches:
        full = counts[o.path]["full"]
        n = seats.get(o.id, 0)
        if full >= COMMITTEE_MIN_FULL_MEMBERS and n < BRANCH_COMMITTEE_MIN_SEATS:
            findings.append(
                finding(
                    o,
                    COMMITTEE_REQUIRED,
                    WARNING,
                    _(
                        "正式党员 %(full)d 名，达到 %(min_full)d 名，应设立支部委员会"
                        "（%(low)d 至 5 人）；在任班子成员登记 %(n)d 名。"
                    )
                    % {
                        "full": full,
                        "min_full": COMMITTEE_MIN_FULL_MEMBERS,
                        "low": BRANCH_COMMITTEE_MIN_SEATS,
                        "n": n,
                    },
                )
            )
    for o, maximum in bounded:
        n = seats.get(o.id, 0)
        if n <= maximum:
            continue
        findings.append(
            finding(
                o,
                COMMITTEE_OVERSIZED,
                WARNING,
                _("在任委员 %(n)d 名，超过 %(max)d 名（%(usual)s）。")
                % {"n": n, "max": maximum, "usual": _usual_size(o)},
            )
        )
    return findings


def _usual_size(o: Organization) -> str:
    if o.kind == OrgKind.GENERAL_BRANCH:
        return _("党总支委员会一般设委员 5 至 7 人")
    if o.kind == OrgKind.PARTY_COMMITTEE:
        return _("基层党委一般设委员 5 至 9 人")
    return _("支部委员会由 3 至 5 人组成，一般不超过 7 人")


# --- 资格联审 and 县级备案 ---------------------------------------------------------------------
def _vetting_findings(
    orgs: list[Organization], secretaries: list[CommitteeMember], today: datetime.date
) -> list[Finding]:
    places = {o.id: o for o in orgs if is_village_or_community(o)}
    in_post = [s for s in secretaries if s.organization_id in places and s.started_on <= today]
    if not in_post:
        return []
    candidates: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in (
        Candidate.objects.filter(
            organization_id__in={s.organization_id for s in in_post},
            position=Position.SECRETARY,
            proposed_on__lte=today,
        )
        .only("id", "organization_id", "id_number", "proposed_on", "filed_on")
        .prefetch_related("checks")
    ):
        candidates[candidate.organization_id].append(candidate)
    findings = []
    for s in in_post:
        message = _vetting_message(s, candidates[s.organization_id], today)
        if message:
            findings.append(
                finding(places[s.organization_id], CANDIDATE_NOT_VETTED, WARNING, message)
            )
    return findings


def _vetting_message(
    secretary: CommitteeMember, candidates: list[Candidate], today: datetime.date
) -> str:
    """What is missing from the vetting of `secretary`, or "" (nothing, or not asked)."""
    values = {"name": secretary.name}
    first_proposed = min((c.proposed_on for c in candidates), default=None)
    mine = next(
        (c for c in candidates if secretary.id_number and c.id_number == secretary.id_number),
        None,
    )
    recorded_here = first_proposed is not None and (
        not secretary.id_number or secretary.started_on >= first_proposed
    )
    if not (mine or recorded_here or secretary.election_id is not None):
        return ""  # vetted before the portal kept this organisation's vetting
    if not secretary.id_number:
        return (
            _("书记 %(name)s 未登记公民身份号码，无法与资格联审人选核对；请补录身份号码。") % values
        )
    if mine is None:
        return (
            _(
                "书记 %(name)s 没有资格联审记录：村（社区）党组织书记人选应经资格联审，"
                "并报县级党委组织部门备案。"
            )
            % values
        )
    # A past day sees the checks made by then.
    state = mine.vetting_state([c for c in mine.checks.all() if c.checked_on <= today])
    if state == "failed":
        return _("书记 %(name)s 资格联审未通过，仍在任。") % values
    if state != "passed":
        bodies = "、".join(str(VettingBody(body).label) for body in REQUIRED_VETTING_BODIES)
        return _("书记 %(name)s 资格联审尚未完成（须%(bodies)s均通过）。") % {
            **values,
            "bodies": bodies,
        }
    if mine.filed_on is None or mine.filed_on > today:
        return _("书记 %(name)s 资格联审已通过，尚未县级备案。") % values
    return ""


# --- cadre pay -------------------------------------------------------------------------------
def _pay_findings(org: Organization, today: datetime.date) -> list[Finding]:
    """Cadres paid (基本报酬 + 绩效) below the standard, one finding per organisation in its
    latest year of pay rows (two queries)."""
    latest = Window(Max("year"), partition_by=[F("organization_id")])
    rows = list(
        CadrePay.objects.within(org)
        .filter(year__lte=today.year)
        .annotate(latest=latest)
        .filter(year=F("latest"))
        .select_related("organization")
        .only(
            "id",
            "name",
            "year",
            "base_pay",
            "performance_pay",
            "organization__id",
            "organization__path",
            "organization__code",
            "organization__name",
        )
        .order_by("organization__path", "name", "id")
    )
    if not rows:
        return []
    standards = standards_for(org, {row.year for row in rows})
    by_org: dict[int, list[CadrePay]] = defaultdict(list)
    for row in rows:
        by_org[row.organization_id].append(row)
    findings = []
    for pays in by_org.values():
        o, year = pays[0].organization, pays[0].year
        standard = nearest_standard(standards, o.path, year)
        if standard is None:
            continue
        below = [p for p in pays if p.total < standard.minimum_total]
        if not below:
            continue
        names = [
            _("%(name)s %(total)s 元") % {"name": p.name, "total": money(p.total)} for p in below
        ]
        findings.append(
            finding(
                o,
                CADRE_PAY_BELOW_STANDARD,
                WARNING,
                _(
                    "%(year)d 年 %(n)d 名村干部报酬（基本报酬与绩效报酬合计）低于"
                    "%(setter)s制定的标准 %(standard)s 元：%(names)s。"
                )
                % {
                    "year": year,
                    "n": len(below),
                    "setter": standard.organization.name,
                    "standard": money(standard.minimum_total),
                    "names": names_text(names),
                },
            )
        )
    return findings
