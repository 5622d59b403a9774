"""What a branch is asked to hold follows what it has: 支委会 only where a 支部委员会 exists
(from 7 正式党员; a 党总支 always has its committee), 党小组会 only where 党小组 exist."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from core.periods import Quarter
from members.models import PartyGroup
from members.services.attendance import bodies_by_organization
from orgs.life.selectors import life_summary
from tests.factories import make_member, make_org

Q2 = Quarter(2024, 2)


def rows(org, quarter=Q2):
    summary = next(s for s in life_summary(org, quarter) if s.organization.pk == org.pk)
    return {row.kind: row for row in summary.rows}


def members(org, full, probationary=0):
    for i in range(full):
        make_member(org, seq=100 + i)
    for i in range(probationary):
        make_member(
            org,
            seq=200 + i,
            category="probationary",
            confirmed_on=None,
            joined_on=datetime.date(2024, 1, 10),
        )


@pytest.mark.parametrize(("full", "required"), [(6, 0), (7, 3), (8, 3)])
def test_a_committee_from_seven_full_members(tree, full, required):
    members(tree["A1"], full)
    committee = rows(tree["A1"])["committee_meeting"]
    assert committee.required == required
    assert committee.not_required is (required == 0)
    if not required:
        assert committee.not_required_because == f"正式党员 {full} 名，不足 7 名，未设支部委员会"
        assert committee.shortfall == 0


def test_probationary_members_do_not_make_a_committee(tree):
    members(tree["A1"], 6, probationary=3)
    assert rows(tree["A1"])["committee_meeting"].not_required


def test_full_members_are_counted_on_the_quarters_last_day(tree):
    members(tree["A1"], 6)
    make_member(
        tree["A1"],
        seq=300,
        joined_on=datetime.date(2023, 7, 1),
        confirmed_on=datetime.date(2024, 7, 1),  # the day after Q2
    )
    assert rows(tree["A1"], Q2)["committee_meeting"].not_required
    assert rows(tree["A1"], Quarter(2024, 3))["committee_meeting"].required == 3


def test_a_general_branch_always_has_its_committee(tree):
    general = make_org(tree["A"], code="AG", name="甲镇某党总支", kind="general_branch")
    assert rows(general)["committee_meeting"].required == 3


def group(org, formed_on):
    leader = make_member(org, seq=400)
    found = PartyGroup.objects.create(
        organization=org, name="第一党小组", leader=leader, formed_on=formed_on
    )
    found.members.add(leader)
    return found


@pytest.mark.parametrize(
    ("formed_on", "required"),
    [(datetime.date(2024, 6, 30), 3), (datetime.date(2024, 7, 1), 0)],
)
def test_group_meetings_from_the_quarter_a_group_is_formed(tree, formed_on, required):
    assert rows(tree["A1"])["group_meeting"].not_required_because == "未设党小组"
    group(tree["A1"], formed_on)
    assert rows(tree["A1"])["group_meeting"].required == required


def test_the_bodies_of_many_organisations_cost_one_query(tree, django_assert_num_queries):
    members(tree["A1"], 7, probationary=1)
    group(tree["A2"], datetime.date(2024, 1, 1))
    ids = [tree[c].pk for c in ("A", "A1", "A2", "B1")]
    with django_assert_num_queries(1):
        bodies = bodies_by_organization(ids, datetime.date(2024, 6, 30))
    assert (bodies[tree["A1"].pk].full_members, bodies[tree["A1"].pk].party_groups) == (7, 0)
    assert (bodies[tree["A2"].pk].full_members, bodies[tree["A2"].pk].party_groups) == (1, 1)
    assert bodies[tree["B1"].pk].full_members == 0


def test_the_life_page_says_what_the_branch_has(client, tree, sam):
    members(tree["A1"], 3)
    client.force_login(sam)
    html = client.get(reverse("orgs:life", args=["A1"])).content.decode()
    assert "未设（正式党员 3 名，不足 7 名" in html
    assert "未设党小组，不要求召开党小组会" in html
    assert reverse("members:groups", args=["A1"]) in html
    assert "不要求" in html
