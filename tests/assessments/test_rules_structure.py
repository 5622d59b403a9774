"""The organisation-setting rules at their edges: a 党总支 of more than 50 members, a 基层党委
of 100 or more, a village of 100 that may form a 党委, members held outside a branch; and
what `org_health --json` and the health page say of them."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.health.rules import findings_for
from assessments.models import HealthThreshold
from tests.factories import make_member, make_org, make_user

TODAY = datetime.date(2025, 5, 15)


def rules_of(top, code, today=TODAY) -> dict[str, str]:
    """rule → message of the findings about the organisation `code` under `top`."""
    return {f.rule: f.message for f in findings_for(top, today=today) if f.code == code}


def members(org, n):
    for _ in range(n):
        make_member(org)


def threshold(key: str, value: int) -> None:
    HealthThreshold.objects.filter(key=key).update(value=value)


@pytest.fixture
def county(db):
    return make_org(code="C", kind="committee", level="county", domain="other")


@pytest.fixture
def town(county):
    return make_org(county, code="T", kind="committee", level="township", secretary_name="张")


def general_branch(parent, code, n):
    """A school's 党总支 with n members, all in its one 党支部."""
    general = make_org(parent, code=code, kind="general_branch", level="other", domain="school")
    members(make_org(general, code=f"{code}-1", level="other", domain="school"), n)
    return general


# --- 党总支: more than 50 members ---------------------------------------------------------------
def test_a_general_branch_of_50_members_is_a_warning_of_51_is_not(town):
    general_branch(town, "G50", 50)
    general_branch(town, "G51", 51)

    found = [f for f in findings_for(town, today=TODAY) if f.rule == "general_branch_under_50"]
    assert [(f.code, f.severity) for f in found] == [("G50", "warning")]
    assert found[0].message.startswith("党员 50 名，未超过 50 名：党员超过 50 名方设党总支")


def test_the_general_branch_figure_is_configuration(town):
    general_branch(town, "G5", 5)
    threshold("general_branch_min_members", 5)
    assert "general_branch_under_50" in rules_of(town, "G5")
    threshold("general_branch_min_members", 4)
    assert "general_branch_under_50" not in rules_of(town, "G5")


# --- 基层党委: 100 members or more ------------------------------------------------------------
def test_a_township_committee_of_99_members_is_a_warning_of_100_is_not(county):
    small = make_org(county, code="T99", kind="committee", level="township")
    members(make_org(small, code="V99"), 99)
    large = make_org(county, code="T100", kind="committee", level="township")
    members(make_org(large, code="V100"), 100)

    found = [f for f in findings_for(county, today=TODAY) if f.rule == "committee_under_100"]
    # The county's own committee is not a 基层党委, however few members it has.
    assert [(f.code, f.severity) for f in found] == [("T99", "warning")]
    assert found[0].message.startswith("党员 99 名，少于 100 名：党员 100 名以上方设基层党委")


def test_every_committee_below_the_county_is_a_base_committee(county, town):
    firm = make_org(town, code="QY", kind="committee", level="other", domain="state_enterprise")
    members(make_org(firm, code="QY-1", level="other", domain="state_enterprise"), 3)
    village = make_org(town, code="VC", kind="committee")
    members(make_org(village, code="VC-1"), 3)
    working = make_org(county, code="W", kind="working_committee", level="township")
    members(make_org(working, code="W-1"), 3)

    found = {f.code for f in findings_for(county, today=TODAY) if f.rule == "committee_under_100"}
    assert found == {"T", "QY", "VC"}  # not the county, not the 党工委


def test_the_committee_figure_is_configuration(town):
    members(make_org(town, code="V"), 3)
    threshold("committee_min_members", 4)
    assert "committee_under_100" in rules_of(town, "T")
    threshold("committee_min_members", 3)
    assert "committee_under_100" not in rules_of(town, "T")


# --- a village of 100 members may form a 党委 ---------------------------------------------------
def test_a_village_of_100_members_may_form_a_committee_of_99_not(town):
    members(make_org(town, code="V99"), 99)
    members(make_org(town, code="V100"), 100)

    found = [f for f in findings_for(town, today=TODAY) if f.rule == "may_form_committee"]
    assert [(f.code, f.severity) for f in found] == [("V100", "info")]
    assert found[0].message.startswith("党员 100 名，达到 100 名，根据工作需要经县级党委批准")


def test_only_a_village_that_is_not_yet_a_committee_is_told(town):
    threshold("committee_min_members", 3)
    general = make_org(town, code="VG", kind="general_branch")  # a village's 党总支
    members(make_org(general, code="VG-1"), 2)
    members(make_org(general, code="VG-2"), 1)
    committee = make_org(town, code="VC", kind="committee")
    members(make_org(committee, code="VC-1"), 3)
    members(make_org(town, code="SQ", domain="community"), 3)
    members(make_org(town, code="JG", level="other", domain="organ"), 3)

    found = {f.code for f in findings_for(town, today=TODAY) if f.rule == "may_form_committee"}
    # The village counts with its branches; they are not villages of their own.
    assert found == {"VG"}


# --- members outside a branch -------------------------------------------------------------------
def test_members_held_by_a_committee_or_general_branch_are_a_finding(county, town):
    for name in ("孙七", "赵六", "王五", "李四", "张三", "周八", "吴九"):
        make_member(town, name=name)
    working = make_org(county, code="W", kind="working_committee", level="township")
    make_member(working, name="郑十")
    general = make_org(town, code="G", kind="general_branch")
    members(make_org(general, code="G-1"), 3)  # its branch's members are where they belong
    branch = make_org(town, code="B")
    members(branch, 3)

    found = {
        f.code: f for f in findings_for(county, today=TODAY) if f.rule == "members_outside_branch"
    }
    assert set(found) == {"T", "W"}
    assert found["T"].severity == "warning"
    # How many, and five names (in the database's name order) and "等" for the rest.
    head, _sep, rest = found["T"].message.partition("：")
    assert head == "7 名党员直接隶属本组织、未编入党支部"
    names, _sep, tail = rest.partition(" 等。")
    assert (
        len(set(names.split("、")) & {"孙七", "赵六", "王五", "李四", "张三", "周八", "吴九"}) == 5
    )
    assert tail.startswith("每名党员都应编入一个党支部")
    assert found["W"].message.startswith("1 名党员直接隶属本组织、未编入党支部：郑十。")


def test_members_who_left_are_not_counted_and_a_past_day_counts_its_own(town):
    make_member(town, name="甲某")
    make_member(
        town,
        name="乙某",
        status="transferred_out",
        status_changed_on=datetime.date(2025, 3, 1),
        joined_on=datetime.date(2005, 7, 1),
    )
    assert rules_of(town, "T")["members_outside_branch"].startswith("1 名党员")
    # On a day before 乙 left, 乙 was held there too.
    earlier = rules_of(town, "T", today=datetime.date(2025, 2, 1))
    assert earlier["members_outside_branch"].startswith("2 名党员")


# --- org_health --json, the page, queries -------------------------------------------------------
def rule_tree(county, n):
    """n townships, each with a 党总支 holding a member directly, a village of 3 members, a
    joint branch of six units and a 预备党员 past the probation."""
    for t in range(n):
        code = f"{county.code}{t}"
        town = make_org(county, code=code, kind="committee", level="township")
        general = make_org(town, code=f"{code}G", kind="general_branch", level="other")
        make_member(general, name="直属")
        members(make_org(town, code=f"{code}V"), 3)
        make_org(
            town,
            code=f"{code}J",
            kind="joint_branch",
            level="other",
            domain="private_enterprise",
            covered_units="\n".join(f"企业{i}" for i in range(6)),
        )
        make_member(
            make_org(town, code=f"{code}P"),
            category="probationary",
            confirmed_on=None,
            joined_on=datetime.date(2024, 1, 10),
        )


NEW_RULES = {
    "general_branch_under_50",
    "committee_under_100",
    "may_form_committee",
    "joint_branch_over_5_units",
    "members_outside_branch",
    "probation_overdue",
}


def test_org_health_json_returns_the_new_rules_with_their_organisations(county):
    rule_tree(county, 1)
    firm = make_org(county, code="QY", kind="committee", level="other", domain="state_enterprise")
    make_member(make_org(firm, code="QY-1", level="other", domain="state_enterprise"))
    threshold("committee_min_members", 3)  # the village of 3 may form a 党委
    threshold("general_branch_min_members", 1)
    out = io.StringIO()
    call_command("org_health", "--org", "C", "--json", "--date", "2025-05-15", stdout=out)
    rows = json.loads(out.getvalue())
    by_rule: dict[str, set[str]] = {}
    for row in rows:
        by_rule.setdefault(row["rule"], set()).add(row["code"])
    assert {rule: by_rule.get(rule) for rule in NEW_RULES} == {
        "general_branch_under_50": {"C0G"},
        "committee_under_100": {"QY"},  # the township C0 has 5 members, the figure is 3
        "may_form_committee": {"C0V"},
        "joint_branch_over_5_units": {"C0J"},
        "members_outside_branch": {"C0G"},
        "probation_overdue": {"C0P"},
    }
    labels = {row["rule"]: row["rule_label"] for row in rows}
    assert labels["members_outside_branch"] == "党员未编入党支部"
    assert labels["probation_overdue"] == "预备期满未转正"


def count_queries(org) -> int:
    with CaptureQueriesContext(connection) as ctx:
        findings_for(org, today=TODAY)
    return len(ctx.captured_queries)


def test_the_new_rules_keep_the_number_of_queries_bounded(db):
    small = make_org(code="S", kind="committee", level="county", domain="other")
    rule_tree(small, 1)
    large = make_org(code="L", kind="committee", level="county", domain="other")
    rule_tree(large, 6)
    found = {f.rule for f in findings_for(large, today=TODAY)}
    assert found >= NEW_RULES - {"may_form_committee"}
    assert count_queries(small) == count_queries(large) <= 25


def test_the_health_page_filters_by_a_new_rule(client, db):
    county = make_org(code="C", kind="committee", level="county", domain="other")
    rule_tree(county, 1)
    client.force_login(make_user("staffer", county, "staff"))
    response = client.get(reverse("assessments:health"), {"rule": "joint_branch_over_5_units"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "联合党支部覆盖单位过多" in page
    assert "所含单位 6 个，超过 5 个（企业0、企业1、企业2、企业3、企业4、企业5）" in page
    shown = [f.rule for f in response.context["page"].object_list]
    assert shown
    assert set(shown) == {"joint_branch_over_5_units"}
    export = client.get(
        reverse("assessments:health_export"), {"rule": "probation_overdue", "format": "csv"}
    )
    content = b"".join(export.streaming_content) if export.streaming else export.content
    assert "预备期满未转正" in content.decode("utf-8-sig")
