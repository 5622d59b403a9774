"""Recording an election with the committee it elected, approving it and deleting it from
the team page: the term and the 书记 follow; the committee's rules; half-filled, repeated
and stale posts; who may do it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from members.models import Member
from orgs.models import Organization
from teams.choices import Position
from teams.forms.elections import DEFAULT_POSTS
from teams.models import CommitteeMember, Election
from tests.factories import make_member, make_org
from tests.teams.page_data import OVERDUE_START, TODAY, election, fresh, person_id, seat

pytestmark = pytest.mark.django_db

HELD = TODAY - datetime.timedelta(days=20)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def add_url(code: str = "A1") -> str:
    return reverse("teams:election_add", args=[code])


def form_data(rows: list[tuple[str, str, str]], **fields: str) -> dict[str, str]:
    """The election form posted with `rows` (post, name, ID number) and blank rows after
    them, as the page sends them."""
    data = {
        "session": "第十一届",
        "held_on": HELD.isoformat(),
        "expected": "20",
        "present": "18",
        "method": "competitive",
        "candidates": "6",
        "seats": "5",
        "approved_on": "",
    }
    data.update(fields)
    total = max(len(rows), len(DEFAULT_POSTS))
    data.update(
        {
            "elected-TOTAL_FORMS": str(total),
            "elected-INITIAL_FORMS": "0",
            "elected-MIN_NUM_FORMS": "0",
            "elected-MAX_NUM_FORMS": "30",
        }
    )
    for index in range(total):
        post, name, number = (
            rows[index]
            if index < len(rows)
            else (DEFAULT_POSTS[index] if index < len(DEFAULT_POSTS) else "", "", "")
        )
        data.update(
            {
                f"elected-{index}-position": post,
                f"elected-{index}-name": name,
                f"elected-{index}-id_number": number,
                f"elected-{index}-concurrent_post": "",
            }
        )
    return data


@pytest.fixture
def village(tree):
    """甲一村: eight full members (a 支部委员会), an overdue term, 老书记 and 老委员 in post."""
    org = tree["A1"]
    for seq in range(8):
        make_member(org, seq=500 + seq, name=f"党员{'一二三四五六七八'[seq]}")
    seat(org, "老书记", Position.SECRETARY)
    seat(org, "老委员", Position.MEMBER)
    Organization.objects.filter(pk=org.pk).update(term_started_on=OVERDUE_START)
    return fresh(org)


def committee(village) -> list[tuple[str, str, str]]:
    """A 书记 from the roster (by ID number) and two who are not on it."""
    roster = Member.objects.filter(organization=village).order_by("pk").first()
    return [
        (Position.SECRETARY, "新书记", roster.id_number),
        (Position.DEPUTY, "新副书", person_id()),
        (Position.ORGANIZATION, "新组织", person_id(female=True)),
    ]


def test_an_approved_election_starts_the_term_and_seats_its_committee(client, bob, village):
    client.force_login(bob)
    assert client.get(add_url()).status_code == 200
    rows = committee(village)
    response = client.post(add_url(), form_data(rows, approved_on=TODAY.isoformat()), follow=True)
    text = _text(response)
    org = fresh(village)
    assert org.term_started_on == HELD
    end = org.term_ends_on.isoformat()
    assert f"选举产生班子成员 3 名。本届任期自 {HELD.isoformat()} 起，至 {end} 届满" in text
    # the committee: the old one left on the election day, the elected took their posts
    old = CommitteeMember.objects.get(organization=org, name="老书记")
    assert (old.ended_on, old.leave_reason) == (HELD, "换届")
    secretary = CommitteeMember.objects.get(
        organization=org, position=Position.SECRETARY, ended_on__isnull=True
    )
    # the roster's member, by ID number, under the roster's name
    assert secretary.member is not None
    assert secretary.name == secretary.member.name
    assert org.secretary_name == secretary.name
    assert CommitteeMember.objects.filter(election__organization=org).count() == 3
    # and the page shows it
    assert "已批复" in text
    assert "第十一届" in text
    assert end in text


def test_an_election_awaits_its_approval(client, bob, village):
    client.force_login(bob)
    response = client.post(add_url(), form_data(committee(village)), follow=True)
    assert "上级批复后，任期从选举日期起算" in _text(response)
    assert fresh(village).term_started_on == OVERDUE_START
    made = Election.objects.get(organization=village)
    url = reverse("teams:election_approve", args=["A1", made.pk])
    assert client.get(url).status_code == 200
    early = client.post(url, {"approved_on": (HELD - datetime.timedelta(days=1)).isoformat()})
    assert "批复日期不能早于选举日期" in _text(early)
    future = client.post(url, {"approved_on": (TODAY + datetime.timedelta(days=1)).isoformat()})
    assert "批复日期不能晚于今天" in _text(future)
    done = client.post(url, {"approved_on": TODAY.isoformat()}, follow=True)
    assert "已登记 " + HELD.isoformat() + " 选举的上级批复" in _text(done)
    assert fresh(village).term_started_on == HELD
    again = client.post(url, {"approved_on": TODAY.isoformat()}, follow=True)
    assert "这次选举已于 " + TODAY.isoformat() + " 批复，未再办理" in _text(again)


def test_one_more_row_keeps_what_was_typed_and_saves_nothing(client, bob, village):
    client.force_login(bob)
    token = re.search(r'name="submission" value="([^"]+)"', client.get(add_url()).content.decode())[
        1
    ]
    data = form_data(committee(village), session="第十二届", submission=token)
    data["add_row"] = "1"
    response = client.post(add_url(), data)
    assert response.status_code == 200
    text = _text(response)
    assert 'name="elected-TOTAL_FORMS" value="6"' in text
    assert 'name="elected-5-name"' in text
    assert 'value="新副书"' in text
    assert 'value="第十二届"' in text
    assert f'name="submission" value="{token}"' in text  # the form still saves once
    assert "请填写" not in text  # nothing was checked yet
    assert not Election.objects.filter(organization=village).exists()


def test_a_half_filled_form_says_what_is_missing_in_chinese(client, bob, village):
    client.force_login(bob)
    rows = [(Position.SECRETARY, "新书记", ""), (Position.DEPUTY, "", person_id())]
    response = client.post(add_url(), form_data(rows, held_on="", present="abc"))
    assert response.status_code == 400
    text = _text(response)
    for message in ("请填写选举日期", "请填写整数", "请填写公民身份号码", "请填写姓名"):
        assert message in text, message
    assert 'value="新书记"' in text
    assert 'value="第十一届"' in text
    assert not Election.objects.exists()


@pytest.mark.parametrize(
    ("rows", "fields", "message"),
    [
        ([(Position.DEPUTY, "甲某", None)], {}, "选举产生的班子中须有一名书记"),
        (
            [(Position.SECRETARY, "甲某", None), (Position.SECRETARY, "乙某", None)],
            {},
            "只能有一名书记（现填了 2 名）",
        ),
        (
            [(Position.SECRETARY, "甲某", "same"), (Position.MEMBER, "甲某", "same")],
            {},
            "填写了不止一次",
        ),
        (
            [(Position.SECRETARY, "甲某", None), (Position.MEMBER, "乙某", None)],
            {"seats": "1", "candidates": "2"},
            "当选 2 人，多于应选人数 1 人",
        ),
        ([], {}, "请填写本次选举产生的班子成员"),
        (
            [(Position.SECRETARY, "甲某", None)],
            {"present": "10"},
            "实到人数须超过应到人数的一半",
        ),
        (
            [(Position.SECRETARY, "甲某", None)],
            {"method": "equal", "candidates": "6", "seats": "5"},
            "等额选举的候选人数应等于应选人数",
        ),
        (
            [(Position.SECRETARY, "甲某", None)],
            {"held_on": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "选举日期不能晚于今天",
        ),
    ],
)
def test_the_committee_and_election_rules_are_said(client, bob, village, rows, fields, message):
    same = person_id()
    filled = [(post, name, same if n == "same" else person_id()) for post, name, n in rows]
    client.force_login(bob)
    response = client.post(add_url(), form_data(filled, **fields))
    assert response.status_code == 400
    assert message in _text(response)
    assert not Election.objects.exists()


def test_a_small_branch_elects_a_secretary_and_perhaps_a_deputy(client, bob, tree):
    small = tree["A2"]
    Organization.objects.filter(pk=small.pk).update(term_started_on=OVERDUE_START)
    client.force_login(bob)
    rows = [(Position.SECRETARY, "甲某", person_id()), (Position.ORGANIZATION, "乙某", person_id())]
    response = client.post(add_url("A2"), form_data(rows))
    assert "正式党员 0 名，不足 7 名，不设支部委员会" in _text(response)
    rows = [(Position.SECRETARY, "甲某", person_id()), (Position.DEPUTY, "乙某", person_id())]
    client.post(add_url("A2"), form_data(rows, seats="2", candidates="3"))
    assert fresh(small).secretary_name == "甲某"


def test_an_election_before_the_latest_one_is_refused(client, bob, village):
    election(village, TODAY - datetime.timedelta(days=5))
    client.force_login(bob)
    response = client.post(add_url(), form_data(committee(village)))
    assert "选举日期应晚于本组织最近一次选举" in _text(response)
    same_day = form_data(
        committee(village), held_on=(TODAY - datetime.timedelta(days=5)).isoformat()
    )
    assert "本组织已登记" in _text(client.post(add_url(), same_day))
    assert Election.objects.filter(organization=village).count() == 1


def test_posted_twice_the_election_is_saved_once(client, bob, village):
    client.force_login(bob)
    token = re.search(r'name="submission" value="([^"]+)"', client.get(add_url()).content.decode())[
        1
    ]
    data = form_data(committee(village), submission=token)
    client.post(add_url(), data)
    again = client.post(add_url(), data, follow=True)
    assert "这份表单已经提交过，没有重复保存" in _text(again)
    assert Election.objects.filter(organization=village).count() == 1
    assert CommitteeMember.objects.filter(organization=village, ended_on__isnull=True).count() == 3


def test_deleting_an_election_says_what_is_not_restored(client, bob, village):
    client.force_login(bob)
    client.post(add_url(), form_data(committee(village), approved_on=TODAY.isoformat()))
    made = Election.objects.get(organization=village)
    url = reverse("teams:election_delete", args=["A1", made.pk])
    confirm = _text(client.get(url))
    assert "这次选举产生的 3 条任职记录将一并删除" in confirm
    assert "因这次选举离任（换届）的 2 名成员不会恢复在任" in confirm
    assert Election.objects.filter(pk=made.pk).exists()
    done = client.post(url, follow=True)
    assert "已删除 " + HELD.isoformat() + " 的选举及其产生的任职记录" in _text(done)
    assert not Election.objects.filter(pk=made.pk).exists()
    assert not CommitteeMember.objects.filter(organization=village, ended_on__isnull=True).exists()
    assert CommitteeMember.objects.filter(organization=village, leave_reason="换届").count() == 2
    again = client.post(url, follow=True)
    assert "这次选举的记录已不存在" in _text(again)
    assert client.get(url).status_code == 404
    approve = client.post(
        reverse("teams:election_approve", args=["A1", made.pk]),
        {"approved_on": TODAY.isoformat()},
        follow=True,
    )
    assert "这次选举的记录已不存在" in _text(approve)


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_readers_cannot_record_approve_or_delete(
    client, request, village, reader, quiet_request_log
):
    made = election(village, HELD)
    client.force_login(request.getfixturevalue(reader))
    for url in (
        add_url(),
        reverse("teams:election_approve", args=["A1", made.pk]),
        reverse("teams:election_delete", args=["A1", made.pk]),
    ):
        assert client.get(url).status_code == 403, url
        data = {**form_data(committee(village)), "approved_on": TODAY.isoformat()}
        assert client.post(url, data).status_code == 403, url
    made.refresh_from_db()
    assert made.approved_on is None
    assert Election.objects.count() == 1


def test_an_outsider_finds_no_election_page(client, charlie, village, quiet_request_log):
    made = election(village, HELD)
    client.force_login(charlie)
    for url in (
        add_url(),
        reverse("teams:election_approve", args=["A1", made.pk]),
        reverse("teams:election_delete", args=["A1", made.pk]),
    ):
        assert client.get(url).status_code == 404, url
        data = {**form_data(committee(village)), "approved_on": TODAY.isoformat()}
        assert client.post(url, data).status_code == 404, url
    made.refresh_from_db()
    assert made.approved_on is None
    assert Election.objects.count() == 1


def test_an_election_of_another_organisation_is_not_found_through_ones_own(client, bob, tree):
    other = make_org(tree["B"], code="B9")
    made = election(other, HELD)
    client.force_login(bob)
    assert client.get(reverse("teams:election_delete", args=["A1", made.pk])).status_code == 404
    assert client.post(reverse("teams:election_delete", args=["A1", made.pk])).status_code == 302
    assert Election.objects.filter(pk=made.pk).exists()
