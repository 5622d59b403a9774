"""The health rules read from the leadership teams (assessments.health.teams), each at its
edge: a 书记 post vacant, a 支部委员会 missing or oversized, a village 书记 not vetted or
not filed, cadre pay below the standard, an election awaiting approval; the JSON of
`org_health`; and the queries."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal
from itertools import count

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.health.rules import findings_for
from assessments.models import HealthThreshold
from core.periods import add_years
from teams.choices import REQUIRED_VETTING_BODIES, Position
from teams.models import (
    CadrePay,
    Candidate,
    CommitteeMember,
    Election,
    PayStandard,
    VettingCheck,
)
from teams.services.elections import approve_election, save_election
from tests.factories import make_member, make_org
from tests.helpers import id_number

TODAY = timezone.localdate()
YEAR = TODAY.year
LONG_AGO = datetime.date(2015, 1, 1)
_seq = count(700)


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def rules_of(top, code: str, today: datetime.date = TODAY) -> dict[str, str]:
    """rule → message of the findings about the organisation `code` under `top`."""
    return {f.rule: f.message for f in findings_for(top, today=today) if f.code == code}


def messages_of(top, rule: str) -> dict[str, str]:
    """code → message of the findings of `rule` under `top`."""
    return {f.code: f.message for f in findings_for(top, today=TODAY) if f.rule == rule}


def seat(org, position=Position.MEMBER, *, started_on=LONG_AGO, ended_on=None, **fields):
    """A committee member of `org` (its own ID number unless one is given)."""
    fields.setdefault("id_number", id_number(seq=next(_seq)))
    fields.setdefault("name", "赵委员")
    return CommitteeMember.objects.create(
        organization=org, position=position, started_on=started_on, ended_on=ended_on, **fields
    )


def secretary(org, **fields):
    fields.setdefault("name", "钱书记")
    return seat(org, Position.SECRETARY, **fields)


def full_members(org, n: int, *, probationary: int = 0) -> None:
    for _i in range(n):
        make_member(org)
    for _i in range(probationary):
        make_member(org, category="probationary", joined_on=days_ago(100), confirmed_on=None)


@pytest.fixture
def county(db):
    return make_org(code="C", name="测试县委", kind="committee", level="county", domain="other")


@pytest.fixture
def town(county):
    return make_org(county, code="T", name="甲镇党委", kind="committee", level="township")


# --- secretary_vacant ------------------------------------------------------------------------
def test_a_post_vacant_more_than_90_days_is_flagged_90_is_not(town):
    for days in (89, 90, 91):
        v = make_org(town, code=f"V{days}")
        secretary(v, ended_on=days_ago(days))

    assert "secretary_vacant" not in rules_of(town, "V89")
    assert "secretary_vacant" not in rules_of(town, "V90")
    message = rules_of(town, "V91")["secretary_vacant"]
    assert f"书记自 {days_ago(91).isoformat()} 离任后空缺 91 天，超过 90 天。" in message
    assert "软弱涣散" in message


def test_the_days_are_configuration(town):
    v = make_org(town, code="V")
    secretary(v, ended_on=days_ago(61))
    assert "secretary_vacant" not in rules_of(town, "V")
    HealthThreshold.objects.filter(key="secretary_vacant_days").update(value=60)
    assert "空缺 61 天，超过 60 天" in rules_of(town, "V")["secretary_vacant"]


def test_a_secretary_in_post_or_a_successor_closes_the_vacancy(town):
    v = make_org(town, code="V")
    secretary(v, ended_on=days_ago(200))
    secretary(v, name="孙书记", started_on=days_ago(100))
    assert "secretary_vacant" not in rules_of(town, "V")


def test_no_secretary_ever_recorded_is_reported_as_not_registered(town):
    make_org(town, code="N")
    message = rules_of(town, "N")["secretary_vacant"]
    assert message.startswith("未登记书记：班子成员中没有书记的任职记录。")
    assert "软弱涣散" in message


def test_a_new_organisation_has_90_days_to_choose_its_secretary(town):
    make_org(town, code="F90", founded_on=days_ago(90))
    make_org(town, code="F91", founded_on=days_ago(91))
    assert "secretary_vacant" not in rules_of(town, "F90")
    message = rules_of(town, "F91")["secretary_vacant"]
    assert f"本组织 {days_ago(91).isoformat()} 成立，91 天来没有书记在任的记录" in message


def test_a_past_day_before_the_first_secretary_record_is_not_a_vacancy(town):
    v = make_org(town, code="V")
    secretary(v, started_on=days_ago(10))
    assert "secretary_vacant" not in rules_of(town, "V", today=days_ago(200))
    assert "secretary_vacant" not in rules_of(town, "V")


def test_appointed_and_county_organisations_are_not_told_of_weak_and_lax(county, town):
    make_org(town, code="W", kind="working_committee", level="township")
    make_org(town, code="L", kind="temporary_branch", level="other", domain="other")
    found = messages_of(county, "secretary_vacant")
    assert found["W"].endswith("请上级党组织及时指定书记。")
    assert found["L"].endswith("请上级党组织及时指定书记。")
    assert found["C"].endswith("请尽快选配书记。")
    assert "软弱涣散" in found["T"]


# --- committee_required ----------------------------------------------------------------------
def test_a_committee_is_required_from_7_full_members_and_3_seats(town):
    cases = {"B62": (6, 2), "B72": (7, 2), "B73": (7, 3)}
    for code, (full, seats) in cases.items():
        b = make_org(town, code=code)
        full_members(b, full)
        secretary(b)
        for _i in range(seats - 1):
            seat(b)

    assert "committee_required" not in rules_of(town, "B62")
    assert rules_of(town, "B72")["committee_required"] == (
        "正式党员 7 名，达到 7 名，应设立支部委员会（3 至 5 人）；在任班子成员登记 2 名。"
    )
    assert "committee_required" not in rules_of(town, "B73")


def test_probationary_members_and_former_seats_do_not_count(town):
    b = make_org(town, code="B")
    full_members(b, 6, probationary=3)
    secretary(b)
    assert "committee_required" not in rules_of(town, "B")

    j = make_org(town, code="J", kind="joint_branch")
    full_members(j, 7)
    secretary(j)
    seat(j)
    seat(j, ended_on=days_ago(1))
    assert "在任班子成员登记 2 名" in rules_of(town, "J")["committee_required"]


def test_a_temporary_branch_elects_no_committee(town):
    t = make_org(town, code="L", kind="temporary_branch", level="other", domain="other")
    full_members(t, 9)
    found = rules_of(town, "L")
    assert "committee_required" not in found
    assert "fewer_than_3_full_members" not in found


# --- committee_oversized ---------------------------------------------------------------------
def fill(org, n: int) -> None:
    secretary(org)
    for _i in range(n - 1):
        seat(org)


def test_a_branch_committee_of_8_is_oversized_7_is_not(town):
    fill(make_org(town, code="B7"), 7)
    fill(make_org(town, code="B8"), 8)
    assert "committee_oversized" not in rules_of(town, "B7")
    assert rules_of(town, "B8")["committee_oversized"] == (
        "在任委员 8 名，超过 7 名（支部委员会由 3 至 5 人组成，一般不超过 7 人）。"
    )


def test_general_branches_and_base_committees_are_held_to_the_configured_size(county, town):
    fill(make_org(town, code="G9", kind="general_branch"), 9)
    fill(make_org(town, code="G10", kind="general_branch"), 10)
    fill(town, 10)
    fill(county, 12)  # the county's committee is not a 基层党委

    found = messages_of(county, "committee_oversized")
    assert set(found) == {"G10", "T"}
    assert found["G10"].startswith("在任委员 10 名，超过 9 名（党总支委员会一般设委员 5 至 7 人）")
    assert "基层党委一般设委员 5 至 9 人" in found["T"]

    HealthThreshold.objects.filter(key="general_branch_seats_max").update(value=10)
    assert "committee_oversized" not in rules_of(town, "G10")


# --- candidate_not_vetted --------------------------------------------------------------------
def candidate(org, person: CommitteeMember | None = None, *, passed=None, failed=(), **fields):
    """A 书记 candidate of `org` (the person of `person` when given) whose required bodies
    listed in `passed` (default: all) passed and those in `failed` did not."""
    fields.setdefault("id_number", person.id_number if person else id_number(seq=next(_seq)))
    fields.setdefault("name", person.name if person else "周人选")
    fields.setdefault("proposed_on", days_ago(60))
    c = Candidate.objects.create(organization=org, position=Position.SECRETARY, **fields)
    passed = REQUIRED_VETTING_BODIES if passed is None else passed
    for body in passed:
        VettingCheck.objects.create(candidate=c, body=body, passed=True, checked_on=days_ago(30))
    for body in failed:
        VettingCheck.objects.create(
            candidate=c, body=body, passed=False, reason="有违法记录", checked_on=days_ago(30)
        )
    return c


def test_a_secretary_vetted_and_filed_is_fine_otherwise_flagged(town):
    states = {
        "FILED": {"filed_on": days_ago(10)},
        "PASSED": {},
        "FAILED": {"passed": REQUIRED_VETTING_BODIES[:2], "failed": REQUIRED_VETTING_BODIES[2:]},
        "PENDING": {"passed": REQUIRED_VETTING_BODIES[:2]},
    }
    for code, options in states.items():
        v = make_org(town, code=code)
        candidate(v, secretary(v), **options)

    assert "candidate_not_vetted" not in rules_of(town, "FILED")
    assert rules_of(town, "PASSED")["candidate_not_vetted"] == (
        "书记 钱书记 资格联审已通过，尚未县级备案。"
    )
    assert (
        rules_of(town, "FAILED")["candidate_not_vetted"] == "书记 钱书记 资格联审未通过，仍在任。"
    )
    assert rules_of(town, "PENDING")["candidate_not_vetted"] == (
        "书记 钱书记 资格联审尚未完成（须纪检监察、公安、信访均通过）。"
    )


def test_a_filing_without_a_passed_review_is_still_flagged(town):
    v = make_org(town, code="V")
    candidate(v, secretary(v), passed=REQUIRED_VETTING_BODIES[:1], filed_on=days_ago(5))
    assert "尚未完成" in rules_of(town, "V")["candidate_not_vetted"]


def test_only_a_secretary_candidate_of_the_same_organisation_and_id_counts(town):
    v = make_org(town, code="V")
    other = make_org(town, code="O")
    person = secretary(v, started_on=days_ago(5))
    candidate(other, person, filed_on=days_ago(10))
    Candidate.objects.create(
        organization=v,
        position=Position.MEMBER,
        name=person.name,
        id_number=person.id_number,
        proposed_on=days_ago(60),
        filed_on=days_ago(10),
    )
    candidate(v, name="周人选", proposed_on=days_ago(60))  # someone else, for 书记
    assert rules_of(town, "V")["candidate_not_vetted"].startswith(
        "书记 钱书记 没有资格联审记录：村（社区）党组织书记人选应经资格联审"
    )


def test_a_secretary_in_post_before_the_village_kept_vetting_is_not_asked(town):
    quiet = make_org(town, code="Q")  # no candidate at all: vetted before the portal
    secretary(quiet, started_on=LONG_AGO)
    waiting = make_org(town, code="W")  # another person is the candidate
    secretary(waiting, started_on=LONG_AGO)
    candidate(waiting, proposed_on=days_ago(60))
    later = make_org(town, code="L")  # took the post after the first candidate
    secretary(later, started_on=days_ago(59))
    candidate(later, proposed_on=days_ago(60))

    assert "candidate_not_vetted" not in rules_of(town, "Q")
    assert "candidate_not_vetted" not in rules_of(town, "W")
    assert "没有资格联审记录" in rules_of(town, "L")["candidate_not_vetted"]


def test_a_secretary_elected_at_a_recorded_election_must_be_vetted(town):
    v = make_org(town, code="V", term_started_on=days_ago(30))
    election = Election.objects.create(
        organization=v, held_on=days_ago(30), expected=20, present=18, method="competitive"
    )
    secretary(v, started_on=days_ago(30), election=election)
    assert "没有资格联审记录" in rules_of(town, "V")["candidate_not_vetted"]


def test_a_secretary_known_by_name_only_is_asked_for_the_id_number(town):
    v = make_org(town, code="V")
    secretary(v, id_number="", started_on=LONG_AGO)
    assert "candidate_not_vetted" not in rules_of(town, "V")  # no vetting kept here yet
    candidate(v)
    assert rules_of(town, "V")["candidate_not_vetted"] == (
        "书记 钱书记 未登记公民身份号码，无法与资格联审人选核对；请补录身份号码。"
    )


def test_only_villages_and_communities_are_vetted(town):
    organ = make_org(town, code="G", level="other", domain="organ")
    candidate(organ, secretary(organ, started_on=days_ago(5)), passed=())
    community = make_org(town, code="S", domain="community")
    candidate(community, secretary(community, started_on=days_ago(5)), passed=())
    assert "candidate_not_vetted" not in rules_of(town, "G")
    assert "candidate_not_vetted" in rules_of(town, "S")


# --- cadre_pay_below_standard ----------------------------------------------------------------
def pay(org, total: str, *, year: int = YEAR, name: str = "吴干部") -> CadrePay:
    amount = Decimal(total)
    return CadrePay.objects.create(
        organization=org,
        name=name,
        id_number=id_number(seq=next(_seq)),
        year=year,
        base_pay=amount - Decimal("6000"),
        performance_pay=Decimal("6000"),
    )


def test_pay_equal_to_the_standard_is_fine_below_is_flagged(county, town):
    PayStandard.objects.create(organization=county, year=YEAR, minimum_total=Decimal("36000"))
    v = make_org(town, code="V")
    pay(v, "36000", name="郑足额")
    pay(v, "35999.99", name="王差一分")
    pay(v, "1234567.5", name="冯很多")
    assert rules_of(county, "V")["cadre_pay_below_standard"] == (
        f"{YEAR} 年 1 名村干部报酬（基本报酬与绩效报酬合计）低于测试县委制定的标准 "
        "36,000.00 元：王差一分 35,999.99 元。"
    )


def test_the_nearest_standard_above_wins(county, town):
    PayStandard.objects.create(organization=county, year=YEAR, minimum_total=Decimal("36000"))
    PayStandard.objects.create(organization=town, year=YEAR, minimum_total=Decimal("40000"))
    other_town = make_org(county, code="T2", kind="committee", level="township")
    near = make_org(town, code="N")
    far = make_org(other_town, code="F")
    pay(near, "38000")
    pay(far, "38000")

    found = messages_of(county, "cadre_pay_below_standard")
    assert set(found) == {"N"}
    assert "低于甲镇党委制定的标准 40,000.00 元：吴干部 38,000.00 元" in found["N"]
    # The same finding asked from the village itself: the standards above are read too.
    assert "甲镇党委制定的标准" in rules_of(near, "N")["cadre_pay_below_standard"]


def test_each_organisation_is_held_to_its_latest_year_of_pay(county, town):
    for year in (YEAR - 1, YEAR):
        PayStandard.objects.create(organization=county, year=year, minimum_total=Decimal("30000"))
    paid_up = make_org(town, code="U")
    pay(paid_up, "20000", year=YEAR - 1)
    pay(paid_up, "30000", year=YEAR)
    behind = make_org(town, code="B")
    pay(behind, "20000", year=YEAR - 1)
    pay(behind, "10000", year=YEAR + 1)  # a year to come is not read
    unset = make_org(town, code="X")
    pay(unset, "1000", year=YEAR - 5)  # no standard that year

    assert "cadre_pay_below_standard" not in rules_of(county, "U")
    assert rules_of(county, "B")["cadre_pay_below_standard"].startswith(f"{YEAR - 1} 年 1 名")
    assert "cadre_pay_below_standard" not in rules_of(county, "X")


# --- term rules and elections ----------------------------------------------------------------
def test_an_expired_term_with_an_election_awaiting_approval_says_so(town):
    v = make_org(town, code="V", term_started_on=add_years(days_ago(10), -5))
    held = days_ago(20)
    election = save_election(
        Election(organization=v, held_on=held, expected=30, present=28, method="competitive")
    )
    message = rules_of(town, "V")["term_expired"]
    assert message.endswith(f"（逾期 10 天），已于 {held.isoformat()} 选举，待上级批复。")
    assert "应及时换届" not in message

    approve_election(election, approved_on=days_ago(1))
    found = rules_of(town, "V")
    assert "term_expired" not in found
    assert "term_expiring" not in found


def test_an_expiring_term_names_an_early_election_and_ignores_older_ones(town):
    v = make_org(town, code="V", term_started_on=add_years(days_ago(-30), -5))
    before_term = add_years(days_ago(-30), -5) - datetime.timedelta(days=1)
    Election.objects.create(
        organization=v, held_on=before_term, expected=30, present=28, method="equal"
    )
    assert rules_of(town, "V")["term_expiring"].endswith("（还有 30 天）。")
    Election.objects.create(
        organization=v, held_on=days_ago(3), expected=30, present=28, method="equal"
    )
    assert rules_of(town, "V")["term_expiring"].endswith(
        f"（还有 30 天）。已于 {days_ago(3).isoformat()} 选举，待上级批复。"
    )


# --- org_health --json ----------------------------------------------------------------------
def test_org_health_json_carries_the_team_rule_ids(county, town):
    vacant = make_org(town, code="V1")
    secretary(vacant, ended_on=days_ago(100))
    big = make_org(town, code="V2")
    full_members(big, 7)
    fill(big, 8)
    waiting = make_org(town, code="V3", term_started_on=add_years(days_ago(1), -5))
    candidate(waiting, secretary(waiting, started_on=LONG_AGO))
    Election.objects.create(
        organization=waiting, held_on=days_ago(5), expected=9, present=9, method="equal"
    )
    PayStandard.objects.create(organization=county, year=YEAR, minimum_total=Decimal("36000"))
    pay(waiting, "30000")
    lean = make_org(town, code="V4")
    full_members(lean, 7)
    secretary(lean)

    out = io.StringIO()
    call_command("org_health", "--org", "T", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    by_code: dict[str, set[str]] = {}
    for row in rows:
        by_code.setdefault(row["code"], set()).add(row["rule"])
    assert "secretary_vacant" in by_code["V1"]
    assert "committee_oversized" in by_code["V2"]
    assert {"candidate_not_vetted", "cadre_pay_below_standard", "term_expired"} <= by_code["V3"]
    assert "committee_required" in by_code["V4"]
    labels = {row["rule"]: row["rule_label"] for row in rows}
    assert labels["candidate_not_vetted"] == "村（社区）书记未经资格联审或县级备案"
    assert labels["cadre_pay_below_standard"] == "村干部报酬低于标准"


# --- queries ---------------------------------------------------------------------------------
def build(villages: int):
    """A township of villages where every team rule has something to read."""
    top = make_org(kind="committee", level="township")
    PayStandard.objects.create(organization=top, year=YEAR, minimum_total=Decimal("36000"))
    fill(top, 10)
    for i in range(villages):
        v = make_org(top, term_started_on=add_years(days_ago(1), -5))
        full_members(v, 7)
        person = secretary(v, started_on=LONG_AGO)
        candidate(v, person, passed=REQUIRED_VETTING_BODIES[: i % 4])
        seat(v)
        Election.objects.create(
            organization=v, held_on=days_ago(5), expected=9, present=9, method="equal"
        )
        pay(v, "30000")
        make_org(top, kind="general_branch")  # no secretary at all
    return top


def queries(org) -> tuple[int, int]:
    """The queries of findings_for, and those of them that read the teams' tables."""
    with CaptureQueriesContext(connection) as ctx:
        findings_for(org, today=TODAY)
    sql = [q["sql"] for q in ctx.captured_queries]
    return len(sql), sum('"teams_' in q for q in sql)


@pytest.mark.django_db
def test_the_team_rules_read_a_bounded_number_of_queries():
    small, large = build(2), build(12)
    rules = {f.rule for f in findings_for(large, today=TODAY)}
    assert {
        "secretary_vacant",
        "committee_required",
        "candidate_not_vetted",
        "cadre_pay_below_standard",
        "term_expired",
        "committee_oversized",
    } <= rules
    # Two for the vacancies, one for the secretaries, one for the committees, two for the
    # candidates and their checks, two for the pay and its standards, one for the
    # elections of the term rules.
    assert queries(small) == queries(large)
    assert queries(large)[1] == 9
