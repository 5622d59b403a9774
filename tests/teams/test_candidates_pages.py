"""The candidates' pages: a village's 书记 candidates with each body's 资格联审 result,
proposing one, recording results and the 县级备案, removing one; the subtree's list and
its export. Scope on every page, the readers who cannot write, masked numbers."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, AuditKind
from core.tables import read_table
from portal.models import ExportLog
from teams.models import Candidate, VettingCheck
from teams.services.vetting import record_check, save_candidate
from tests.factories import make_member
from tests.helpers import id_number

TODAY = timezone.localdate()
PROPOSED = TODAY - datetime.timedelta(days=30)
ALL = reverse("teams:candidates_all")
EXPORT = reverse("teams:candidates_export")


def list_url(code: str = "A1") -> str:
    return reverse("teams:candidates", args=[code])


def page_url(candidate: Candidate) -> str:
    return reverse("teams:candidate", args=[candidate.organization.code, candidate.pk])


def propose(user, org, *, name="周提名", seq=1, **fields) -> Candidate:
    candidate = Candidate(
        organization=org,
        name=name,
        id_number=id_number("1985-03-02", seq=seq),
        proposed_on=fields.pop("proposed_on", PROPOSED),
        **fields,
    )
    return save_candidate(user=user, candidate=candidate)


def passed_all(user, candidate: Candidate) -> Candidate:
    for body in ("discipline", "police", "petitions"):
        record_check(
            user=user,
            candidate=candidate,
            body=body,
            passed=True,
            reason="",
            checked_on=TODAY - datetime.timedelta(days=2),
        )
    return candidate


def grant_full_view(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))


@pytest.fixture
def candidate(bob, tree):
    return propose(bob, tree["A1"])


# --- the village's page ------------------------------------------------------------------


def test_staff_propose_a_candidate_and_see_the_review_state(client, bob):
    client.force_login(bob)
    page = client.get(list_url())
    assert page.status_code == 200
    assert "尚未提名换届人选" in page.content.decode()
    number = id_number("1983-07-01", seq=7)
    response = client.post(
        list_url(),
        {
            "name": "吴候选",
            "id_number": number,
            "position": "secretary",
            "proposed_on": PROPOSED.isoformat(),
            "submission": page.context["form"]["submission"].value(),
        },
    )
    created = Candidate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url(created)
    text = client.get(list_url()).content.decode()
    assert "吴候选" in text
    assert "联审中" in text
    assert number not in text  # masked without the permission
    assert created.masked_id_number in text


def test_a_failed_result_needs_its_reason_and_filing_waits_for_a_pass(client, bob, candidate):
    client.force_login(bob)
    url = page_url(candidate)
    response = client.post(
        url,
        {"action": "check", "body": "police", "passed": "no", "reason": "", "checked_on": ""},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "未通过时必须填写原因。" in text
    assert "联审日期：必填" in text
    assert not VettingCheck.objects.exists()
    # Filing before the review passed is refused with the bodies still needed.
    response = client.post(url, {"action": "file", "filed_on": TODAY.isoformat()})
    assert "还需 纪检监察、公安、信访 的通过意见" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.filed_on is None


def test_results_by_body_then_the_county_files(client, bob, candidate):
    client.force_login(bob)
    url = page_url(candidate)
    for body in ("discipline", "police", "petitions"):
        data = {"action": "check", "body": body, "passed": "yes", "checked_on": TODAY.isoformat()}
        assert client.post(url, data).status_code == 302
    # The same body again replaces its result: still one per body.
    client.post(
        url,
        {
            "action": "check",
            "body": "police",
            "passed": "yes",
            "reason": "无违法记录",
            "checked_on": TODAY.isoformat(),
        },
    )
    assert VettingCheck.objects.filter(candidate=candidate).count() == 3
    assert client.post(url, {"action": "file", "filed_on": TODAY.isoformat()}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.filed_on == TODAY
    text = client.get(list_url()).content.decode()
    assert "联审通过" in text
    assert "已备案" in text
    # Filed: the results no longer change.
    response = client.post(
        url,
        {
            "action": "check",
            "body": "other",
            "passed": "no",
            "reason": "x",
            "checked_on": TODAY.isoformat(),
        },
    )
    assert "联审结果不能再修改" in response.content.decode()
    assert VettingCheck.objects.filter(candidate=candidate).count() == 3


def test_a_failed_body_fails_the_review(client, bob, candidate):
    client.force_login(bob)
    client.post(
        page_url(candidate),
        {
            "action": "check",
            "body": "petitions",
            "passed": "no",
            "reason": "有越级上访记录",
            "checked_on": TODAY.isoformat(),
        },
    )
    text = client.get(list_url()).content.decode()
    assert "联审未通过" in text
    assert "有越级上访记录" in text
    response = client.post(page_url(candidate), {"action": "file", "filed_on": TODAY.isoformat()})
    assert "资格联审未通过，不能县级备案。" in response.content.decode()


def test_a_half_filled_proposal_keeps_what_was_typed(client, bob):
    client.force_login(bob)
    response = client.post(list_url(), {"name": "郑半填", "id_number": "", "position": "secretary"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "未保存，请按提示修改。" in text
    assert "这个字段是必填项。" in text or "必填" in text
    assert 'value="郑半填"' in text
    assert not Candidate.objects.exists()


def test_a_bad_id_number_and_a_second_proposal_are_field_errors(client, bob, candidate):
    client.force_login(bob)
    data = {
        "name": "王错号",
        "id_number": "110101199001011234",
        "position": "secretary",
        "proposed_on": PROPOSED.isoformat(),
    }
    assert "校验位不正确" in client.post(list_url(), data).content.decode()
    data["id_number"] = candidate.id_number
    assert "该人员已是本组织的书记人选。" in client.post(list_url(), data).content.decode()
    assert Candidate.objects.count() == 1


def test_the_same_proposal_posted_twice_saves_once(client, bob):
    client.force_login(bob)
    token = client.get(list_url()).context["form"]["submission"].value()
    data = {
        "name": "冯两次",
        "id_number": id_number(seq=9),
        "position": "secretary",
        "proposed_on": PROPOSED.isoformat(),
        "submission": token,
    }
    first = client.post(list_url(), data)
    second = client.post(list_url(), data)
    assert Candidate.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_a_roster_member_is_linked_and_named_by_the_roster(bob, tree):
    member = make_member(tree["A1"], name="李在册", seq=31)
    candidate = Candidate(
        organization=tree["A1"], name="李再测", id_number=member.id_number, proposed_on=PROPOSED
    )
    save_candidate(user=bob, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.member == member
    assert candidate.name == "李在册"


def test_removing_asks_first_and_takes_the_results_along(client, bob, candidate):
    passed_all(bob, candidate)
    client.force_login(bob)
    delete = reverse("teams:candidate_delete", args=["A1", candidate.pk])
    confirm = client.get(delete)
    assert "确定删除人选“周提名”吗？" in confirm.content.decode()
    assert client.post(delete).status_code == 302
    assert not Candidate.objects.exists()
    assert not VettingCheck.objects.exists()
    # A second post of the same removal finds nothing to remove: no 500.
    assert client.post(delete).status_code == 404


def test_the_candidate_page_shows_history_of_both_records(client, bob, candidate):
    passed_all(bob, candidate)
    client.force_login(bob)
    client.post(
        page_url(candidate),
        {
            "action": "edit",
            "name": "周提名",
            "position": "secretary",
            "proposed_on": PROPOSED.isoformat(),
            "notes": "经村党组织推荐",
        },
    )
    text = client.get(page_url(candidate)).content.decode()
    assert "人选信息修改记录" in text
    assert "备注：— → 经村党组织推荐" in text
    assert "联审意见记录" in text
    assert candidate.id_number not in text  # the edit form shows the number masked


def test_a_township_is_told_what_the_page_is_for(client, bob):
    client.force_login(bob)
    response = client.get(list_url("A"))
    assert response.status_code == 200
    assert "本页只适用于村、社区党组织" in response.content.decode()
    assert client.post(list_url("A"), {"name": "x"}).status_code == 404


# --- who may do what ---------------------------------------------------------------------


def test_another_subtree_gets_404_on_every_page_and_post(
    client, charlie, candidate, quiet_request_log
):
    client.force_login(charlie)
    delete = reverse("teams:candidate_delete", args=["A1", candidate.pk])
    data = {"action": "file", "filed_on": TODAY.isoformat()}
    for url in (list_url(), page_url(candidate), delete):
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert client.get(EXPORT, {"org": "A1"}).status_code == 404
    # The record's page under another organisation's code: 404 too.
    alias = reverse("teams:candidate", args=["B1", candidate.pk])
    assert client.get(alias).status_code == 404
    assert Candidate.objects.filter(pk=candidate.pk).exists()


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_secretaries_and_leaders_read_but_do_not_write(
    client, request, reader, candidate, quiet_request_log
):
    client.force_login(request.getfixturevalue(reader))
    page = client.get(list_url())
    assert page.status_code == 200
    assert "周提名" in page.content.decode()
    assert page.context["form"] is None
    data = {
        "name": "x",
        "id_number": id_number(seq=3),
        "position": "secretary",
        "proposed_on": PROPOSED.isoformat(),
    }
    assert client.post(list_url(), data).status_code == 403
    assert client.get(page_url(candidate)).status_code == 403
    assert client.post(page_url(candidate), {"action": "file"}).status_code == 403
    delete = reverse("teams:candidate_delete", args=["A1", candidate.pk])
    assert client.post(delete).status_code == 403
    assert Candidate.objects.count() == 1


def test_full_numbers_only_with_the_permission_and_then_audited(client, bob, candidate):
    client.force_login(bob)
    assert candidate.id_number not in client.get(list_url()).content.decode()
    assert not AuditEvent.objects.filter(kind=AuditKind.FULL_DATA_VIEWED).exists()
    grant_full_view(bob)
    assert candidate.id_number in client.get(list_url()).content.decode()
    event = AuditEvent.objects.get(kind=AuditKind.FULL_DATA_VIEWED)
    assert candidate.masked_id_number in event.target
    assert candidate.id_number in client.get(page_url(candidate)).content.decode()
    assert AuditEvent.objects.filter(kind=AuditKind.FULL_DATA_VIEWED).count() == 2


# --- the subtree's list ------------------------------------------------------------------


def test_the_county_finds_the_candidates_not_yet_filed(client, alice, bob, tree):
    filed = passed_all(bob, propose(bob, tree["A1"], name="甲已备"))
    filed.filed_on = TODAY
    filed.save()
    propose(bob, tree["A2"], name="甲未备", seq=2)
    propose(alice, tree["B1"], name="乙未备", seq=3)
    client.force_login(alice)
    page = client.get(ALL, {"state": "unfiled"})
    names = [row.candidate.name for row in page.context["rows"]]
    assert names == ["甲未备", "乙未备"]
    page = client.get(ALL, {"state": "filed", "org": "A"})
    assert [row.candidate.name for row in page.context["rows"]] == ["甲已备"]
    page = client.get(ALL, {"q": "乙"})
    assert [row.candidate.name for row in page.context["rows"]] == ["乙未备"]


def test_the_states_are_filtered_in_the_database(client, alice, bob, tree):
    waiting = passed_all(bob, propose(bob, tree["A1"], name="甲待备"))
    failed = propose(bob, tree["A1"], name="甲未过", seq=2)
    record_check(
        user=bob,
        candidate=failed,
        body="other",
        passed=False,
        reason="不符合条件",
        checked_on=TODAY,
    )
    propose(bob, tree["A1"], name="甲审中", seq=3)
    client.force_login(alice)

    def names(state):
        return [r.candidate.name for r in client.get(ALL, {"state": state}).context["rows"]]

    assert names("passed") == [waiting.name]
    assert names("failed") == ["甲未过"]
    assert names("pending") == ["甲审中"]


def test_the_list_reads_in_a_bounded_number_of_queries(
    client, alice, bob, tree, django_assert_max_num_queries
):
    passed_all(bob, propose(bob, tree["A1"], name="甲一"))
    client.force_login(alice)
    with django_assert_max_num_queries(30) as small:
        client.get(ALL)
    for n in range(2, 22):
        passed_all(bob, propose(bob, tree["A2"] if n % 2 else tree["A1"], name="甲多", seq=n))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(ALL).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(list_url()).status_code == 200


def test_another_subtree_sees_none_of_them(client, charlie, candidate):
    client.force_login(charlie)
    page = client.get(ALL)
    assert page.context["rows"] == []
    assert "周提名" not in page.content.decode()


def test_the_export_is_the_user_s_subtree_masked_and_logged(client, alice, bob, tree, candidate):
    propose(alice, tree["B1"], name="乙人选", seq=5)
    client.force_login(bob)
    response = client.get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    rows = read_table(response.content, "x.xlsx").dict
    assert [r["姓名"] for r in rows] == ["周提名"]
    assert rows[0]["公民身份号码"] == candidate.masked_id_number
    assert rows[0]["联审状态"] == "联审中"
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.rows, log.unmasked) == (bob, "candidates", 1, False)
    assert AuditEvent.objects.filter(kind=AuditKind.PERSONAL_DATA_EXPORTED).exists()
    grant_full_view(bob)
    rows = read_table(client.get(EXPORT, {"format": "csv"}).content, "x.csv").dict
    assert rows[0]["公民身份号码"] == candidate.id_number
    assert ExportLog.objects.filter(unmasked=True).count() == 1
    assert client.get(EXPORT, {"org": "B", "format": "xlsx"}).status_code == 404
