"""The 选派干部 pages: a village's postings (add, change, end), the subtree's list ("all
第一书记 now serving") and its export. Scope on every page, the readers who cannot write,
masked numbers."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, AuditKind
from core.tables import read_table
from portal.models import ExportLog
from teams.models import Posting
from teams.services.postings import save_posting
from tests.helpers import id_number

TODAY = timezone.localdate()
STARTED = TODAY - datetime.timedelta(days=400)
ALL = reverse("teams:postings_all")
EXPORT = reverse("teams:postings_export")


def list_url(code: str = "A1") -> str:
    return reverse("teams:postings", args=[code])


def page_url(posting: Posting) -> str:
    return reverse("teams:posting", args=[posting.organization.code, posting.pk])


def post(user, org, *, name="赵第一", seq=1, kind="first_secretary", **fields) -> Posting:
    posting = Posting(
        organization=org,
        name=name,
        id_number=id_number("1982-09-09", seq=seq),
        kind=kind,
        from_unit=fields.pop("from_unit", "县农业农村局"),
        started_on=fields.pop("started_on", STARTED),
        **fields,
    )
    return save_posting(user=user, posting=posting)


@pytest.fixture
def posting(bob, tree):
    return post(bob, tree["A1"])


def test_staff_register_a_posting_and_see_it_serving(client, bob):
    client.force_login(bob)
    page = client.get(list_url())
    assert "尚未登记选派干部" in page.content.decode()
    number = id_number("1995-01-20", seq=5)
    response = client.post(
        list_url(),
        {
            "name": "钱大学生",
            "id_number": number,
            "kind": "graduate",
            "from_unit": "",
            "started_on": STARTED.isoformat(),
            "ended_on": "",
            "submission": page.context["form"]["submission"].value(),
        },
    )
    assert response.status_code == 302
    text = client.get(list_url()).content.decode()
    assert "钱大学生" in text
    assert "大学生村干部" in text
    assert "在岗" in text
    assert number not in text


def test_ending_a_posting(client, bob, posting):
    client.force_login(bob)
    url = page_url(posting)
    response = client.post(url, {"action": "end", "ended_on": STARTED.isoformat()})
    assert "结束日期应晚于开始日期。" in response.content.decode()
    assert client.post(url, {"action": "end", "ended_on": TODAY.isoformat()}).status_code == 302
    posting.refresh_from_db()
    assert posting.ended_on == TODAY
    assert "已结束" in client.get(list_url()).content.decode()
    assert "结束日期：— → " in client.get(url).content.decode()


def test_changing_a_posting_keeps_history(client, bob, posting):
    client.force_login(bob)
    data = {
        "action": "edit",
        "name": "赵第一",
        "kind": "first_secretary",
        "from_unit": "县财政局",
        "started_on": STARTED.isoformat(),
        "ended_on": "",
    }
    assert client.post(page_url(posting), data).status_code == 302
    assert "派出单位：县农业农村局 → 县财政局" in client.get(page_url(posting)).content.decode()


def test_a_half_filled_form_keeps_what_was_typed(client, bob):
    client.force_login(bob)
    response = client.post(
        list_url(), {"name": "孙半填", "kind": "", "from_unit": "县教育局", "started_on": ""}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "未保存，请按提示修改。" in text
    assert 'value="孙半填"' in text
    assert 'value="县教育局"' in text
    assert not Posting.objects.exists()


def test_the_same_posting_twice_saves_once(client, bob, posting):
    client.force_login(bob)
    token = client.get(list_url()).context["form"]["submission"].value()
    data = {
        "name": "李队员",
        "id_number": id_number(seq=7),
        "kind": "work_team",
        "started_on": STARTED.isoformat(),
        "submission": token,
    }
    client.post(list_url(), data)
    client.post(list_url(), data)
    assert Posting.objects.filter(name="李队员").count() == 1
    # The key of the table (organisation, person, kind, start) is a field error.
    data = {
        "name": "赵第一",
        "id_number": posting.id_number,
        "kind": "first_secretary",
        "started_on": STARTED.isoformat(),
    }
    text = client.post(list_url(), data).content.decode()
    assert "第一书记记录已存在" in text


def test_a_township_is_told_postings_are_kept_in_villages(client, bob, tree):
    client.force_login(bob)
    response = client.get(list_url("A"))
    assert "本页只适用于村、社区党组织" in response.content.decode()
    assert client.post(list_url("A"), {"name": "x"}).status_code == 404
    posting = Posting(
        organization=tree["A"],
        name="乡镇",
        id_number=id_number(seq=2),
        kind="work_team",
        started_on=STARTED,
    )
    with pytest.raises(Exception, match="只登记在村、社区党组织"):
        save_posting(user=bob, posting=posting)


def test_another_subtree_gets_404_on_every_page_and_post(
    client, charlie, posting, quiet_request_log
):
    client.force_login(charlie)
    for url in (list_url(), page_url(posting)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "end", "ended_on": TODAY.isoformat()}).status_code == 404
    assert client.get(EXPORT, {"org": "A1"}).status_code == 404
    posting.refresh_from_db()
    assert posting.ended_on is None


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_secretaries_and_leaders_read_but_do_not_write(
    client, request, reader, posting, quiet_request_log
):
    client.force_login(request.getfixturevalue(reader))
    page = client.get(list_url())
    assert page.status_code == 200
    assert "赵第一" in page.content.decode()
    assert page.context["form"] is None
    assert client.post(list_url(), {"name": "x"}).status_code == 403
    assert client.get(page_url(posting)).status_code == 403
    assert client.post(page_url(posting), {"action": "end"}).status_code == 403


def test_full_numbers_only_with_the_permission_and_then_audited(client, bob, posting):
    client.force_login(bob)
    assert posting.id_number not in client.get(list_url()).content.decode()
    assert posting.id_number not in client.get(ALL).content.decode()
    assert not AuditEvent.objects.filter(kind=AuditKind.FULL_DATA_VIEWED).exists()
    bob.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
    assert posting.id_number in client.get(ALL).content.decode()
    assert AuditEvent.objects.filter(kind=AuditKind.FULL_DATA_VIEWED).count() == 1
    # With the permission a whole ID number finds the person.
    page = client.get(ALL, {"q": posting.id_number, "status": "all"})
    assert [r.posting for r in page.context["rows"]] == [posting]


# --- the subtree's list ------------------------------------------------------------------


def test_the_county_lists_the_first_secretaries_now_serving(client, alice, bob, tree):
    post(bob, tree["A1"], name="甲在岗")
    post(bob, tree["A2"], name="甲已离", seq=2, ended_on=TODAY - datetime.timedelta(days=1))
    post(bob, tree["A2"], name="甲队员", seq=3, kind="work_team")
    post(alice, tree["B1"], name="乙在岗", seq=4)
    post(alice, tree["B1"], name="乙将到", seq=5, started_on=TODAY + datetime.timedelta(days=5))
    client.force_login(alice)

    def names(**query):
        return [r.posting.name for r in client.get(ALL, query).context["rows"]]

    assert names(kind="first_secretary") == ["甲在岗", "乙在岗"]
    # In tree order, the latest start first.
    assert names(kind="first_secretary", status="all") == ["甲在岗", "甲已离", "乙将到", "乙在岗"]
    assert names(status="ended") == ["甲已离"]
    assert names(status="upcoming") == ["乙将到"]
    assert names(org="A") == ["甲在岗", "甲队员"]
    assert names(q="乙") == ["乙在岗"]
    # An organisation outside the scope is a reported, ignored choice.
    client.force_login(bob)
    page = client.get(ALL, {"org": "B"})
    assert "org" in page.context["form"].errors
    assert "乙在岗" not in page.content.decode()


def test_the_list_reads_in_a_bounded_number_of_queries(
    client, alice, bob, tree, django_assert_max_num_queries
):
    post(bob, tree["A1"])
    client.force_login(alice)
    with django_assert_max_num_queries(30) as small:
        client.get(ALL)
    for n in range(2, 22):
        post(bob, tree["A2"] if n % 2 else tree["A1"], name="多人", seq=n)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(ALL).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(list_url()).status_code == 200


def test_the_export_is_the_user_s_subtree_masked_and_logged(client, alice, bob, tree, posting):
    post(alice, tree["B1"], name="乙在岗", seq=4)
    client.force_login(bob)
    response = client.get(EXPORT, {"format": "xlsx", "kind": "first_secretary"})
    assert response.status_code == 200
    rows = read_table(response.content, "x.xlsx").dict
    assert [r["姓名"] for r in rows] == ["赵第一"]
    assert rows[0]["公民身份号码"] == posting.masked_id_number
    assert rows[0]["状态"] == "在岗"
    log = ExportLog.objects.get()
    assert (log.kind, log.rows, log.unmasked) == ("postings", 1, False)
    assert "类别：第一书记" in log.scope_label
    bob.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
    rows = read_table(client.get(EXPORT, {"format": "csv"}).content, "x.csv").dict
    assert rows[0]["公民身份号码"] == posting.id_number
    assert client.get(EXPORT, {"org": "B", "format": "xlsx"}).status_code == 404
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 404
