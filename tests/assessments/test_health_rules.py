"""The health rules (assessments.health), each at its edge, on small trees built here."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.health.rules import findings_for
from assessments.models import HealthThreshold, WeakLaxEntry
from core.periods import Quarter, add_months, add_years
from funding.models import FundLine
from members.models import DuesRecord, Member
from members.services.pipeline import case_create
from orgs.models import OrgLifeRecord
from orgs.terms import term_status
from teams.models import CadrePay, Candidate, CommitteeMember, Election, PayStandard
from tests.factories import make_member, make_org, make_user
from tests.helpers import id_number

TODAY = datetime.date(2025, 5, 15)  # second quarter: 1 April – 30 June
BORN_YOUNG = "1990-03-01"  # 35 on TODAY
# Joined as adults whatever their age now.
RECENT = {"joined_on": datetime.date(2015, 7, 1), "confirmed_on": datetime.date(2016, 7, 1)}


def rules_of(org, code=None, today=TODAY) -> dict[str, str]:
    """rule → message of the findings about the organisation `code` (default: `org`)."""
    code = code or org.code
    return {f.rule: f.message for f in findings_for(org, today=today) if f.code == code}


def members(org, n, *, female=0, young=0, **fields):
    """n current members: the first `female` women, the next `young` under 35."""
    for i in range(n):
        if female <= i < female + young:
            make_member(org, female=i < female, birth=BORN_YOUNG, **RECENT, **fields)
        else:
            make_member(org, female=i < female, birth="1975-06-01", **fields)


@pytest.fixture
def town(db):
    return make_org(code="T", kind="committee", level="township", secretary_name="张书记")


def village(parent, code="V", **fields):
    fields.setdefault("secretary_name", "李书记")
    return make_org(parent, code=code, **fields)


# --- the three village problems ----------------------------------------------------------------
def test_a_village_of_exactly_10_members_is_fine_9_are_flagged(town):
    ten = village(town, "V10")
    members(ten, 10, female=1, young=1)
    nine = village(town, "V9")
    members(nine, 9, female=1, young=1)

    assert "fewer_than_10_members" not in rules_of(town, "V10")
    assert rules_of(town, "V9")["fewer_than_10_members"] == "党员 9 名，少于 10 名。"


def test_only_current_members_count(town):
    v = village(town)
    members(v, 9, female=1, young=1)
    make_member(
        v,
        status="transferred_out",
        status_changed_on=datetime.date(2025, 1, 2),
        female=True,
        birth=BORN_YOUNG,
        **RECENT,
    )

    found = rules_of(town, "V")
    assert found["fewer_than_10_members"] == "党员 9 名，少于 10 名。"


def test_a_member_turning_40_tomorrow_is_young_one_turning_40_today_is_not(town):
    young = village(town, "VY")
    members(young, 10, female=1)
    make_member(
        young, birth=(add_years(TODAY, -40) + datetime.timedelta(days=1)).isoformat(), **RECENT
    )
    old = village(town, "VO")
    members(old, 10, female=1)
    make_member(old, birth=add_years(TODAY, -40).isoformat(), **RECENT)

    assert "no_member_under_40" not in rules_of(town, "VY")
    assert rules_of(town, "VO")["no_member_under_40"] == "40 岁以下党员 0 名（共有党员 11 名）。"


def test_the_young_age_line_is_configuration(town):
    v = village(town)
    members(v, 10, female=1)
    make_member(v, birth="1988-01-01", **RECENT)  # 37
    assert "no_member_under_40" not in rules_of(town, "V")

    HealthThreshold.objects.filter(key="young_age").update(value=35)
    assert rules_of(town, "V")["no_member_under_40"] == "35 岁以下党员 0 名（共有党员 11 名）。"


def test_a_village_without_women_is_flagged(town):
    v = village(town)
    members(v, 12, young=2)
    assert rules_of(town, "V")["no_female_member"] == "女党员 0 名（共有党员 12 名）。"
    make_member(v, female=True)
    assert "no_female_member" not in rules_of(town, "V")


def test_a_village_committee_counts_its_branches_members_and_they_are_not_villages(town):
    committee = village(town, "VC", kind="committee")
    first = village(committee, "VC1")
    second = village(committee, "VC2")
    members(first, 6, female=1)
    members(second, 6, young=1)

    found = findings_for(town, today=TODAY)
    village_rules = {"fewer_than_10_members", "no_member_under_40", "no_female_member"}
    assert not [f for f in found if f.rule in village_rules]

    HealthThreshold.objects.filter(key="min_village_members").update(value=13)
    assert rules_of(town, "VC")["fewer_than_10_members"] == "党员 12 名，少于 13 名。"
    # Asked about one branch, the village lies above it: no village finding inside.
    assert not [f for f in findings_for(first, today=TODAY) if f.rule in village_rules]


def test_organisations_outside_villages_and_communities_have_no_village_problems(town):
    organ = make_org(town, code="O", level="other", domain="organ", secretary_name="王书记")
    members(organ, 4)
    assert not {"fewer_than_10_members", "no_member_under_40", "no_female_member"} & set(
        rules_of(town, "O")
    )
    community = village(town, "SQ", domain="community")
    members(community, 4)
    assert {"fewer_than_10_members", "no_member_under_40", "no_female_member"} <= set(
        rules_of(town, "SQ")
    )


# --- branches ------------------------------------------------------------------------------
def test_a_branch_of_exactly_50_is_fine_51_is_flagged(town):
    fifty = make_org(town, code="B50", level="other", domain="organ", secretary_name="甲")
    members(fifty, 50)
    fifty_one = make_org(town, code="B51", level="other", domain="organ", secretary_name="乙")
    members(fifty_one, 51)

    assert "branch_over_50" not in rules_of(town, "B50")
    found = [f for f in findings_for(town, today=TODAY) if f.code == "B51"]
    over = next(f for f in found if f.rule == "branch_over_50")
    assert over.message.startswith("党员 51 名，超过 50 名")
    assert over.severity == "info"


def test_a_branch_with_3_full_members_is_fine_2_are_flagged(town):
    three = village(town, "F3")
    members(three, 3)
    two = village(town, "F2")
    members(two, 2)
    make_member(
        two,
        category="probationary",
        confirmed_on=None,
        joined_on=datetime.date(2024, 12, 1),
    )

    assert "fewer_than_3_full_members" not in rules_of(town, "F3")
    assert rules_of(town, "F2")["fewer_than_3_full_members"].startswith("正式党员 2 名，少于 3 名")


def test_joint_and_temporary_branches_are_not_flagged_for_fewer_than_3(town):
    joint = make_org(
        town, code="J", kind="joint_branch", level="other", domain="private_enterprise"
    )
    members(joint, 1)
    temporary = make_org(town, code="L", kind="temporary_branch", level="other", domain="other")
    members(temporary, 1)
    assert "fewer_than_3_full_members" not in rules_of(town, "J")
    assert "fewer_than_3_full_members" not in rules_of(town, "L")


# --- terms and secretary -------------------------------------------------------------------
def test_a_5_year_village_term_ending_today_or_yesterday_has_expired(town):
    today_end = village(town, "E0", term_started_on=add_years(TODAY, -5))
    yesterday_end = village(
        town, "E1", term_started_on=add_years(TODAY, -5) - datetime.timedelta(days=1)
    )
    tomorrow_end = village(
        town, "E2", term_started_on=add_years(TODAY, -5) + datetime.timedelta(days=1)
    )
    assert today_end.term_years == 5
    assert today_end.term_ends_on == TODAY
    # The rule agrees with the organisation page: a term is over on the day it ends.
    assert today_end.term_status(TODAY) == term_status(TODAY, TODAY) == "expired"
    assert yesterday_end.term_status(TODAY) == "expired"
    assert tomorrow_end.term_status(TODAY) == "expiring"

    assert rules_of(town, "E0")["term_expired"].startswith(
        f"本届任期 5 年，已于 {TODAY.isoformat()} 届满（逾期 0 天）"
    )
    assert "（逾期 1 天）" in rules_of(town, "E1")["term_expired"]
    found = rules_of(town, "E2")
    assert "term_expired" not in found
    assert "（还有 1 天）" in found["term_expiring"]


def test_a_term_is_expiring_within_the_configured_months(town):
    edge = add_months(TODAY, 6)
    village(town, "X6", term_started_on=add_years(edge, -5))
    village(town, "X7", term_started_on=add_years(edge, -5) + datetime.timedelta(days=1))
    assert "term_expiring" in rules_of(town, "X6")
    assert "term_expiring" not in rules_of(town, "X7")

    HealthThreshold.objects.filter(key="term_expiring_months").update(value=7)
    assert "term_expiring" in rules_of(town, "X7")


def test_an_organisation_without_a_secretary_is_flagged(town):
    # The 书记 now comes from the committee records (tests/teams/test_health_rules.py has
    # the rule's edges): a name typed on the organisation is a 书记 in post from today.
    village(town, "S0", secretary_name="")
    village(town, "S1")
    assert rules_of(town, "S0")["secretary_vacant"].startswith("未登记书记")
    assert "secretary_vacant" not in rules_of(town, "S1")
    assert "secretary_vacant" not in rules_of(town, "S1", today=timezone.localdate())


# --- weak and lax ----------------------------------------------------------------------------
def test_a_weak_and_lax_organisation_shows_its_register_entry(town):
    v = village(town, is_weak_and_lax=True)
    WeakLaxEntry.objects.create(
        organization=v,
        year=2025,
        situations=["inactive"],
        measures="选派第一书记",
        responsible_person="周部长",
        deadline=datetime.date(2025, 5, 1),
    )
    found = [f for f in findings_for(town, today=TODAY) if f.rule == "weak_and_lax"]
    assert [(f.code, f.severity) for f in found] == [("V", "danger")]
    assert "2025 年台账，整顿中，整顿期限 2025-05-01" in found[0].message
    assert "已超过整顿期限 14 天" in found[0].message
    village(town, "U")  # not flagged
    assert "weak_and_lax" not in rules_of(town, "U")


def test_a_flag_without_a_register_entry_says_so(town):
    village(town, is_weak_and_lax=True)
    assert "整顿台账中没有登记" in rules_of(town, "V")["weak_and_lax"]


# --- organisation life -----------------------------------------------------------------------
def meeting(org, day, kind="branch_assembly"):
    return OrgLifeRecord.objects.create(
        organization=org, kind=kind, held_on=day, topic="学习", expected=10, present=8
    )


def test_the_meeting_rule_looks_at_the_calendar_quarter():
    quarter = Quarter.of(TODAY)
    assert (quarter.first_day, quarter.last_day) == (
        datetime.date(2025, 4, 1),
        datetime.date(2025, 6, 30),
    )
    assert Quarter.of(datetime.date(2025, 12, 31)).first_day == datetime.date(2025, 10, 1)


def test_a_meeting_on_the_first_or_last_day_of_the_quarter_counts(town):
    first_day = village(town, "M1")
    meeting(first_day, datetime.date(2025, 4, 1))
    last_day = village(town, "M2")
    meeting(last_day, datetime.date(2025, 6, 30))
    previous = village(town, "M3")
    meeting(previous, datetime.date(2025, 3, 31))
    lecture = village(town, "M4")
    meeting(lecture, datetime.date(2025, 4, 2), kind="party_lecture")

    end = datetime.date(2025, 6, 30)
    assert "no_meeting_this_quarter" not in rules_of(town, "M1", today=end)
    assert "no_meeting_this_quarter" not in rules_of(town, "M2", today=end)
    message = rules_of(town, "M3", today=end)["no_meeting_this_quarter"]
    assert message.startswith("2025 年第 2 季度（2025-04-01 至 2025-06-30）尚未记录支部党员大会")
    assert "no_meeting_this_quarter" in rules_of(town, "M4", today=end)


def test_only_branches_and_joint_branches_must_hold_a_branch_assembly(town):
    make_org(town, code="G", kind="general_branch", secretary_name="甲")
    make_org(town, code="L", kind="temporary_branch", level="other", domain="other")
    make_org(town, code="J", kind="joint_branch", level="other", domain="private_enterprise")
    found = {f.code for f in findings_for(town, today=TODAY) if f.rule == "no_meeting_this_quarter"}
    assert found == {"J"}


# --- member and funding warnings ----------------------------------------------------------------
def test_member_warnings_are_one_finding_per_organisation_and_rule(town):
    v = village(town)
    make_member(v, name="张流动", is_mobile=True, mobile_destination="广东深圳")
    make_member(v, name="李流动", is_mobile=True, mobile_destination="浙江杭州")
    staff = make_user("staffer", town, "staff")
    today = timezone.localdate()
    case_create(
        user=staff,
        organization=v,
        name="赵申请",
        id_number=id_number("1995-03-08", seq=901),
        gender="M",
        ethnicity="01",
        education="bachelor",
        job="farmer",
        applied_on=add_months(today, -14),
    )

    found = {f.rule: f for f in findings_for(town) if f.code == "V"}
    assert "（或从未登记联系）2 名" in found["mobile_lost_contact"].message
    assert "张流动" in found["mobile_lost_contact"].message
    assert found["development_stalled"].message.startswith("1 名发展对象")
    assert "赵申请" in found["development_stalled"].message
    # Until dues are recorded in the portal the six-month rule is quiet; then both members
    # of the village, who have paid nothing, are flagged under one finding.
    assert "dues_lapsed" not in found
    DuesRecord.objects.create(
        member=Member.objects.filter(organization__code="V").first(),
        month=add_months(today.replace(day=1), -1),
        basis="salary",
        base=Decimal("4000"),
        rate=Decimal("1"),
        amount_due=Decimal("40"),
        amount_paid=Decimal("0"),
    )
    found = {f.rule: f for f in findings_for(town) if f.code == "V"}
    assert "未交纳党费 2 名" in found["dues_lapsed"].message


def test_funding_warnings_keep_their_rule_ids_once_the_year_has_funds(town):
    v = village(town)
    assert "fund_below_standard" not in rules_of(town, "V")
    FundLine.objects.create(
        code="W-V", year=2025, organization=v, category="work", source="fiscal",
        budget=Decimal("50000"),
    )  # fmt: skip
    early = datetime.date(2025, 3, 1)
    found = [f for f in findings_for(town, today=early) if f.rule == "fund_below_standard"]
    assert [(f.code, f.severity) for f in found] == [("V", "warning")]
    assert "50,000.00" in found[0].message


# --- queries ------------------------------------------------------------------------------
def build_county(townships: int, villages_per_town: int):
    """A county with townships of villages and branches, each with members, meetings,
    leadership-team records and every kind of finding, so that every rule runs its
    queries."""
    county = make_org(code=f"C{townships}", kind="committee", level="county", domain="other")
    PayStandard.objects.create(organization=county, year=TODAY.year, minimum_total=Decimal("1"))
    for _t in range(townships):
        town = make_org(county, kind="committee", level="township", is_weak_and_lax=True)
        for v in range(villages_per_town):
            v_org = make_org(
                town,
                term_started_on=datetime.date(2020, 1, 1),
                is_weak_and_lax=(v == 0),
            )
            make_member(v_org, is_mobile=True, mobile_destination="外地")
            meeting(v_org, TODAY)
            team(v_org, seq=_t * 100 + v)
    return county


def team(org, seq: int) -> None:
    """A 书记 in post who is a candidate not yet vetted, a cadre paid nothing, and an
    election awaiting approval."""
    person = id_number(seq=seq)
    CommitteeMember.objects.create(
        organization=org, position="secretary", name="钱书记", id_number=person,
        started_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    Candidate.objects.create(
        organization=org, name="钱书记", id_number=person, proposed_on=datetime.date(2025, 1, 1)
    )
    CadrePay.objects.create(
        organization=org, name="钱书记", id_number=person, year=TODAY.year, base_pay=0
    )
    Election.objects.create(
        organization=org, held_on=datetime.date(2025, 3, 1), expected=9, present=9,
        method="equal",
    )  # fmt: skip


def count_queries(org) -> int:
    with CaptureQueriesContext(connection) as ctx:
        findings_for(org, today=TODAY)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_tree():
    FundLine.objects.create(
        code="W-0", year=TODAY.year, organization=make_org(code="Z", secretary_name="甲"),
        category="work", source="fiscal", budget=Decimal("1"),
    )  # fmt: skip
    small = build_county(1, 4)  # 6 organisations
    large = build_county(6, 9)  # 61 organisations
    small_findings = findings_for(small, today=TODAY)
    large_findings = findings_for(large, today=TODAY)
    assert len(large_findings) > 5 * len(small_findings) / 2
    # The leadership teams read nine of them (health.teams).
    assert count_queries(small) == count_queries(large) <= 30
