"""The 后备干部 pages: an organisation's pool with each one's age from the ID number,
adding someone, changing them and marking them used or removed. Scope on every page, the
readers who cannot write, masked numbers on the record's page."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, AuditKind
from members.identity import age_on
from teams.models import ReserveCadre
from teams.services.reserves import save_reserve
from tests.helpers import id_number

TODAY = timezone.localdate()
BIRTH = "1990-06-15"


def list_url(code: str = "A1") -> str:
    return reverse("teams:reserves", args=[code])


def page_url(reserve: ReserveCadre) -> str:
    return reverse("teams:reserve", args=[reserve.organization.code, reserve.pk])


def add(user, org, *, name="陈后备", seq=1, **fields) -> ReserveCadre:
    reserve = ReserveCadre(
        organization=org,
        name=name,
        id_number=id_number(BIRTH, seq=seq),
        added_on=fields.pop("added_on", TODAY - datetime.timedelta(days=100)),
        **fields,
    )
    return save_reserve(user=user, reserve=reserve)


@pytest.fixture
def reserve(bob, tree):
    return add(bob, tree["A1"], source="致富带头人", education="high_school")


def test_staff_add_someone_and_see_their_age(client, bob):
    client.force_login(bob)
    page = client.get(list_url())
    assert "尚未登记后备干部" in page.content.decode()
    response = client.post(
        list_url(),
        {
            "name": "林青年",
            "id_number": id_number(BIRTH, seq=4),
            "education": "bachelor",
            "source": "返乡大学生",
            "training_notes": "参加县委党校培训班",
            "added_on": TODAY.isoformat(),
            "submission": page.context["form"]["submission"].value(),
        },
    )
    assert response.status_code == 302
    page = client.get(list_url())
    text = page.content.decode()
    age = age_on(datetime.date.fromisoformat(BIRTH), TODAY)
    assert [row.age for row in page.context["rows"]] == [age]
    assert f">{age}</td>" in text
    assert "林青年" in text
    assert "大学本科" in text
    assert "返乡大学生" in text
    assert "参加县委党校培训班" in text
    assert "储备中 1 人" in text


def test_a_township_keeps_a_pool_too(client, bob):
    client.force_login(bob)
    assert client.get(list_url("A")).status_code == 200
    response = client.post(
        list_url("A"),
        {"name": "乡后备", "id_number": id_number(seq=8), "added_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    assert ReserveCadre.objects.get().organization.code == "A"


def test_marking_used_removed_and_back(client, bob, reserve):
    client.force_login(bob)
    url = page_url(reserve)
    assert client.post(url, {"action": "status", "status": "used"}).status_code == 302
    reserve.refresh_from_db()
    assert reserve.status == "used"
    text = client.get(list_url()).content.decode()
    assert "已使用" in text
    assert "储备中 0 人" in text
    # The same mark twice changes nothing and writes no second history record.
    before = reserve.history.count()
    client.post(url, {"action": "status", "status": "used"})
    assert reserve.history.count() == before
    client.post(url, {"action": "status", "status": "removed"})
    client.post(url, {"action": "status", "status": "active"})
    reserve.refresh_from_db()
    assert reserve.status == "active"
    text = client.get(url).content.decode()
    assert "状态：已调出 → 储备中" in text
    assert client.post(url, {"action": "status", "status": "boss"}).status_code == 200


def test_changing_someone_keeps_history(client, bob, reserve):
    client.force_login(bob)
    data = {
        "action": "edit",
        "name": "陈后备",
        "education": "bachelor",
        "source": "致富带头人",
        "training_notes": "挂职锻炼半年",
        "added_on": reserve.added_on.isoformat(),
    }
    assert client.post(page_url(reserve), data).status_code == 302
    text = client.get(page_url(reserve)).content.decode()
    assert "学历：高中 → 大学本科" in text
    assert "培养情况：— → 挂职锻炼半年" in text


def test_a_half_filled_form_keeps_what_was_typed(client, bob):
    client.force_login(bob)
    response = client.post(
        list_url(), {"name": "半填写", "source": "退役军人", "added_on": "2026-13-01"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "未保存，请按提示修改。" in text
    assert "格式应为 YYYY-MM-DD" in text or "有效的日期" in text
    assert 'value="半填写"' in text
    assert 'value="退役军人"' in text
    assert not ReserveCadre.objects.exists()


def test_the_same_person_twice_is_refused_and_a_repeat_saves_once(client, bob, reserve):
    client.force_login(bob)
    token = client.get(list_url()).context["form"]["submission"].value()
    data = {
        "name": "新后备",
        "id_number": id_number(BIRTH, seq=6),
        "added_on": TODAY.isoformat(),
        "submission": token,
    }
    client.post(list_url(), data)
    client.post(list_url(), data)
    assert ReserveCadre.objects.filter(name="新后备").count() == 1
    data = {"name": "重复", "id_number": reserve.id_number, "added_on": TODAY.isoformat()}
    text = client.post(list_url(), data).content.decode()
    assert "该人员已在本组织的后备干部库中。" in text


def test_another_subtree_gets_404_on_every_page_and_post(
    client, charlie, reserve, quiet_request_log
):
    client.force_login(charlie)
    for url in (list_url(), page_url(reserve)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "status", "status": "removed"}).status_code == 404
    reserve.refresh_from_db()
    assert reserve.status == "active"


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_secretaries_and_leaders_read_but_do_not_write(
    client, request, reader, reserve, quiet_request_log
):
    client.force_login(request.getfixturevalue(reader))
    page = client.get(list_url())
    assert page.status_code == 200
    assert "陈后备" in page.content.decode()
    assert page.context["form"] is None
    data = {"name": "x", "id_number": id_number(seq=3), "added_on": TODAY.isoformat()}
    assert client.post(list_url(), data).status_code == 403
    assert client.get(page_url(reserve)).status_code == 403
    assert client.post(page_url(reserve), {"action": "status", "status": "used"}).status_code == 403
    assert ReserveCadre.objects.count() == 1


def test_the_record_page_shows_the_number_in_full_only_with_the_permission(client, bob, reserve):
    client.force_login(bob)
    text = client.get(page_url(reserve)).content.decode()
    assert reserve.id_number not in text
    assert reserve.masked_id_number in text
    assert not AuditEvent.objects.filter(kind=AuditKind.FULL_DATA_VIEWED).exists()
    # Without the permission the number cannot be changed either.
    data = {
        "action": "edit",
        "name": "陈后备",
        "id_number": id_number(seq=44),
        "added_on": reserve.added_on.isoformat(),
    }
    client.post(page_url(reserve), data)
    reserve.refresh_from_db()
    assert reserve.id_number == id_number(BIRTH, seq=1)
    bob.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
    assert reserve.id_number in client.get(page_url(reserve)).content.decode()
    assert AuditEvent.objects.filter(kind=AuditKind.FULL_DATA_VIEWED).count() == 1


def test_the_pool_reads_in_a_bounded_number_of_queries(
    client, bob, tree, django_assert_max_num_queries
):
    add(bob, tree["A1"])
    client.force_login(bob)
    with django_assert_max_num_queries(30) as small:
        client.get(list_url())
    for n in range(2, 22):
        add(bob, tree["A1"], name="多后备", seq=n)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(list_url()).status_code == 200
