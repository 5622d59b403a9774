"""An organisation's team page and its committee's changes: what staff, the secretary,
leaders and outsiders see and may do; masked and full ID numbers; forms posted half-filled,
twice, or after the row changed."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent, AuditKind
from orgs.models import Organization
from teams.choices import Position
from teams.models import CommitteeMember
from tests.factories import make_org, make_user
from tests.teams.page_data import (
    OVERDUE_START,
    TODAY,
    allow_full_view,
    election,
    fresh,
    person_id,
    seat,
)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def team_url(code: str = "A1") -> str:
    return reverse("teams:team", args=[code])


@pytest.fixture
def team(tree):
    """甲一村: an overdue term, 张书记 and 李委员 in post, 王前任 who left, an approved
    election five years ago and one awaiting approval in an earlier year."""
    village = tree["A1"]
    Organization.objects.filter(pk=village.pk).update(term_started_on=OVERDUE_START)
    old = election(village, datetime.date(2016, 3, 1), datetime.date(2016, 3, 20))
    seat(
        village,
        "王前任",
        Position.SECRETARY,
        started_on=datetime.date(2016, 3, 1),
        ended_on=datetime.date(2021, 2, 1),
        reason="调任",
        election=old,
    )
    secretary = seat(village, "张书记", Position.SECRETARY, concurrent_post="村民委员会主任")
    member = seat(village, "李委员", Position.ORGANIZATION)
    Organization.objects.filter(pk=village.pk).update(term_started_on=OVERDUE_START)
    return {"village": fresh(village), "secretary": secretary, "member": member, "old": old}


def test_staff_see_the_team_the_secretary_first_and_who_left(client, bob, team):
    client.force_login(bob)
    response = client.get(team_url())
    assert response.status_code == 200
    text = _text(response)
    assert "甲一村支部班子与换届" in text
    current = text.split('id="current-title"')[1].split('id="elections-title"')[0]
    assert current.index("张书记") < current.index("李委员")
    assert 'class="team-table__secretary"' in text
    assert "村民委员会主任" in text
    # ID numbers are masked for staff without the full-view permission
    assert team["secretary"].masked_id_number in text
    assert team["secretary"].id_number not in text
    # who left, and why
    past = text.split('id="past-title"')[1]
    assert "王前任" in past
    assert "调任" in past
    assert "2021-02-01" in past
    # the election history and what is due
    assert "第十届" in text
    assert "2016-03-01" in text
    assert "已批复" in text
    assert "逾期未换届" in text
    assert OVERDUE_START.isoformat() in text
    # the people pages of a village
    for name in ("candidates", "reserves", "postings", "pay"):
        assert reverse(f"teams:{name}", args=["A1"]) in text
    # staff may change it
    assert reverse("teams:election_add", args=["A1"]) in text
    assert reverse("teams:committee_end", args=["A1", team["member"].pk]) in text


def test_full_numbers_are_shown_with_the_permission_and_audited(client, bob, team):
    allow_full_view(bob)
    client.force_login(bob)
    before = AuditEvent.objects.filter(kind=AuditKind.FULL_DATA_VIEWED).count()
    text = _text(client.get(team_url()))
    assert team["secretary"].id_number in text
    events = AuditEvent.objects.filter(kind=AuditKind.FULL_DATA_VIEWED)
    assert events.count() == before + 1
    event = events.latest("pk")
    assert event.user == bob
    assert event.organization_id == team["village"].pk
    assert "3 人" in event.target  # the current team and who left


def test_masked_pages_leave_no_audit_event(client, bob, team):
    client.force_login(bob)
    client.get(team_url())
    assert not AuditEvent.objects.filter(kind=AuditKind.FULL_DATA_VIEWED).exists()


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_the_secretary_and_leaders_read_but_cannot_change(
    client, request, team, reader, quiet_request_log
):
    user = request.getfixturevalue(reader)
    client.force_login(user)
    text = _text(client.get(team_url()))
    assert "张书记" in text
    assert reverse("teams:election_add", args=["A1"]) not in text
    assert reverse("teams:committee_add", args=["A1"]) not in text
    member = team["member"]
    for url in (
        reverse("teams:committee_add", args=["A1"]),
        reverse("teams:committee_end", args=["A1", member.pk]),
        reverse("teams:committee_delete", args=["A1", member.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert (
            client.post(url, {"ended_on": TODAY.isoformat(), "leave_reason": "x"}).status_code
            == 403
        )
    member.refresh_from_db()
    assert member.ended_on is None


def test_an_outsider_finds_nothing(client, charlie, tree, team, quiet_request_log):
    client.force_login(charlie)
    member = team["member"]
    assert client.get(team_url()).status_code == 404
    assert client.get(team_url("NOPE")).status_code == 404
    for url in (
        reverse("teams:committee_add", args=["A1"]),
        reverse("teams:committee_end", args=["A1", member.pk]),
        reverse("teams:committee_delete", args=["A1", member.pk]),
    ):
        assert client.get(url).status_code == 404, url
        data = {**_member_form(), "ended_on": TODAY.isoformat(), "leave_reason": "x"}
        assert client.post(url, data).status_code == 404, url
    member.refresh_from_db()
    assert member.ended_on is None
    assert not CommitteeMember.objects.filter(name="孙宣传").exists()
    # another organisation's row through one's own organisation is not found either
    client.force_login(make_user("staff_b1", team["village"], "staff"))
    other = seat(make_org(tree["A"], code="A9"), "赵别人")
    url = reverse("teams:committee_delete", args=["A1", other.pk])
    assert client.get(url).status_code == 404
    assert CommitteeMember.objects.filter(pk=other.pk).exists()


def test_a_vacant_secretary_post_is_said_with_its_length(client, bob, tree):
    seat(
        tree["A2"],
        "钱书记",
        Position.SECRETARY,
        ended_on=TODAY - datetime.timedelta(days=40),
        reason="辞职",
    )
    client.force_login(bob)
    text = _text(client.get(team_url("A2")))
    assert "书记空缺" in text
    assert "已空缺 40 天" in text
    client.force_login(make_user("charlie_b", tree["B"], "staff"))
    assert "书记空缺：尚未登记书记" in _text(client.get(team_url("B1")))


def test_appointed_organisations_serve_no_term(client, alice, county):
    working = make_org(
        county,
        code="W",
        name="测试街道党工委",
        kind="working_committee",
        level="township",
        domain="other",
    )
    client.force_login(alice)
    text = _text(client.get(team_url("W")))
    assert "不实行任期制" in text
    assert reverse("teams:election_add", args=["W"]) not in text
    assert 'id="elections-title"' not in text
    response = client.get(reverse("teams:election_add", args=["W"]), follow=True)
    assert "党工委不实行选举" in _text(response)
    assert working.elections.count() == 0


def test_a_township_has_no_village_cadre_pages(client, alice, tree):
    client.force_login(alice)
    text = _text(client.get(team_url("A")))
    assert reverse("teams:candidates", args=["A"]) not in text
    assert "本年换届" in text


def test_the_page_reads_a_bounded_number_of_times(client, bob, team, django_assert_max_num_queries):
    client.force_login(bob)
    with django_assert_max_num_queries(22) as few:
        client.get(team_url())
    for index in range(6):
        seat(team["village"], f"新委员{'甲乙丙丁戊己'[index]}")
    election(team["village"], datetime.date(2019, 3, 1), datetime.date(2019, 3, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(team_url())


def test_the_organisation_page_sums_up_the_team(client, bob, team):
    client.force_login(bob)
    text = _text(client.get(reverse("orgs:detail", args=["A1"])))
    assert "班子与任期" in text
    assert "张书记" in text
    assert "班子成员</dt><dd>2 人" in text
    assert team_url() in text


def test_the_navigation_leads_staff_and_leaders_to_the_renewal_page(client, bob, leo, sam, team):
    renewal = reverse("teams:renewal")
    for user, shown in ((bob, True), (leo, True), (sam, False)):
        client.force_login(user)
        page = client.get(reverse("orgs:detail", args=["A1"])).content.decode()
        assert (f'href="{renewal}"' in page) is shown, user


# --- adding a member ---------------------------------------------------------------------


def _member_form(**overrides) -> dict[str, str]:
    data = {
        "name": "孙宣传",
        "id_number": person_id(),
        "position": Position.PUBLICITY,
        "concurrent_post": "",
        "started_on": (TODAY - datetime.timedelta(days=10)).isoformat(),
        "origin": "appointed",
    }
    data.update(overrides)
    return data


def test_staff_add_a_member_once_however_often_they_post(client, bob, team):
    client.force_login(bob)
    url = reverse("teams:committee_add", args=["A1"])
    page = client.get(url)
    token = re.search(r'name="submission" value="([^"]+)"', page.content.decode())[1]
    data = _member_form(submission=token)
    first = client.post(url, data, follow=True)
    assert "已将孙宣传登记为宣传委员" in _text(first)
    again = client.post(url, data, follow=True)
    assert "这份表单已经提交过，没有重复保存" in _text(again)
    assert CommitteeMember.objects.filter(name="孙宣传").count() == 1


def test_a_half_filled_form_says_what_is_missing_and_keeps_what_was_typed(client, bob, team):
    client.force_login(bob)
    url = reverse("teams:committee_add", args=["A1"])
    response = client.post(url, _member_form(id_number="", started_on="2026-02-30"))
    assert response.status_code == 400
    text = _text(response)
    assert "请填写公民身份号码" in text
    assert "请按 YYYY-MM-DD 填写日期" in text
    assert 'value="孙宣传"' in text
    assert not CommitteeMember.objects.filter(name="孙宣传").exists()


def test_a_second_secretary_is_refused_until_the_first_leaves(client, bob, team):
    client.force_login(bob)
    url = reverse("teams:committee_add", args=["A1"])
    response = client.post(url, _member_form(name="周新任", position=Position.SECRETARY))
    assert response.status_code == 400
    assert "本组织已有书记张书记在任" in _text(response)
    # the same person twice
    response = client.post(url, _member_form(id_number=team["member"].id_number))
    assert "李委员已在本班子任组织委员" in _text(response)


def test_a_new_secretary_becomes_the_organisations_secretary(client, bob, team):
    client.force_login(bob)
    end = reverse("teams:committee_end", args=["A1", team["secretary"].pk])
    client.post(end, {"ended_on": TODAY.isoformat(), "leave_reason": "调任"})
    assert fresh(team["village"]).secretary_name == ""
    client.post(
        reverse("teams:committee_add", args=["A1"]),
        _member_form(name="周新任", position=Position.SECRETARY, started_on=TODAY.isoformat()),
    )
    assert fresh(team["village"]).secretary_name == "周新任"


# --- ending and deleting -------------------------------------------------------------------


def test_ending_a_post_and_ending_it_again(client, bob, team):
    client.force_login(bob)
    url = reverse("teams:committee_end", args=["A1", team["member"].pk])
    assert client.get(url).status_code == 200
    day = (TODAY - datetime.timedelta(days=3)).isoformat()
    done = client.post(url, {"ended_on": day, "leave_reason": "辞职"}, follow=True)
    assert "李委员自 " + day + " 起不再担任组织委员" in _text(done)
    member = CommitteeMember.objects.get(pk=team["member"].pk)
    assert (member.ended_on.isoformat(), member.leave_reason) == (day, "辞职")
    # posted again (a second tab, a double click): said, not done twice
    again = client.post(url, {"ended_on": TODAY.isoformat(), "leave_reason": "别的"}, follow=True)
    assert "李委员已于 " + day + " 离任，未再办理" in _text(again)
    member.refresh_from_db()
    assert member.leave_reason == "辞职"


def test_ending_a_post_checks_the_day(client, bob, team):
    client.force_login(bob)
    url = reverse("teams:committee_end", args=["A1", team["member"].pk])
    future = client.post(
        url, {"ended_on": (TODAY + datetime.timedelta(days=1)).isoformat(), "leave_reason": "调任"}
    )
    assert "离任日期不能晚于今天" in _text(future)
    early = client.post(url, {"ended_on": "2021-03-01", "leave_reason": "调任"})
    assert "离任日期应晚于任职日期（2021-03-01）" in _text(early)
    missing = client.post(url, {"ended_on": "", "leave_reason": ""})
    assert missing.status_code == 400
    assert "请填写离任日期" in _text(missing)
    assert "请填写离任原因" in _text(missing)
    assert CommitteeMember.objects.get(pk=team["member"].pk).ended_on is None


def test_deleting_asks_first_and_a_second_delete_is_answered(client, bob, team):
    client.force_login(bob)
    pk = team["member"].pk
    url = reverse("teams:committee_delete", args=["A1", pk])
    confirm = client.get(url)
    assert "确定要删除“李委员" in _text(confirm)
    assert CommitteeMember.objects.filter(pk=pk).exists()
    assert "已删除李委员担任组织委员的记录" in _text(client.post(url, follow=True))
    assert not CommitteeMember.objects.filter(pk=pk).exists()
    again = client.post(url, follow=True)
    assert again.status_code == 200
    assert "这条班子成员记录已不存在" in _text(again)
    # and the form of a row deleted meanwhile
    end = client.post(
        reverse("teams:committee_end", args=["A1", pk]),
        {"ended_on": TODAY.isoformat(), "leave_reason": "调任"},
        follow=True,
    )
    assert "这条班子成员记录已不存在" in _text(end)
    assert client.get(url).status_code == 404
