"""The attendance page of a record, reached from the entry form and the record's page: one
radio group per member (出席 by default), the reason of a 请假; scoped like the record."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from members.models import Attendance, PartyGroup
from orgs.life.services import life_record_create
from orgs.models import OrgLifeRecord
from tests.factories import make_member, make_user

DAY = datetime.date(2024, 4, 12)


@pytest.fixture
def people(tree):
    names = ["张三", "李四", "王五"]
    return {n: make_member(tree["A1"], seq=i + 1, name=n) for i, n in enumerate(names)}


@pytest.fixture
def record(tree, sam):
    return life_record_create(
        user=sam,
        organization=tree["A1"],
        kind="theme_day",
        held_on=DAY,
        topic="重温入党誓词",
        expected=3,
        present=3,
    )


def url(record):
    return reverse("members:attendance", args=[record.organization.code, record.pk])


def form_data(people, **statuses):
    data = {}
    for name, member in people.items():
        status, reason = statuses.get(name, ("present", ""))
        data[f"status_{member.pk}"] = status
        data[f"reason_{member.pk}"] = reason
    return data


def test_the_entry_form_leads_to_the_names(client, tree, sam, people):
    client.force_login(sam)
    html = client.get(reverse("orgs:life_new", args=["A1"])).content.decode()
    assert 'name="by_name"' in html
    assert "checked" in html.split('name="by_name"')[1].split(">")[0]
    response = client.post(
        reverse("orgs:life_new", args=["A1"]),
        {
            "kind": "theme_day",
            "held_on": DAY.isoformat(),
            "topic": "重温入党誓词",
            "expected": "3",
            "present": "",
            "by_name": "on",
        },
    )
    record = OrgLifeRecord.objects.get()
    assert response["Location"] == url(record)
    assert (record.expected, record.present) == (3, 3)  # everyone, until marked otherwise


def test_without_names_the_present_count_is_required(client, tree, sam, people):
    client.force_login(sam)
    response = client.post(
        reverse("orgs:life_new", args=["A1"]),
        {"kind": "committee_meeting", "held_on": DAY.isoformat(), "topic": "研究工作",
         "expected": "3", "present": "", "by_name": "on"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "实到人数：必填。" in response.content.decode()
    assert not OrgLifeRecord.objects.exists()


def test_the_secretary_marks_leave_and_absence(client, sam, people, record):
    client.force_login(sam)
    page = client.get(url(record))
    assert page.status_code == 200
    html = page.content.decode()
    for member in people.values():  # everyone present until marked otherwise
        assert f'value="present" id="id_status_{member.pk}_0" checked' in html
    response = client.post(
        url(record), form_data(people, 李四=("leave", "外出务工"), 王五=("absent", ""))
    )
    assert response["Location"] == reverse("orgs:life_record", args=["A1", record.pk])
    record.refresh_from_db()
    assert (record.expected, record.present) == (3, 1)
    detail = client.get(response["Location"]).content.decode()
    assert "请假 1 人，缺席 1 人（按名单）" in detail
    assert "有表决权的正式党员 3 人，到会 1 人" in detail
    assert "查看或修改出席名单" in detail
    # The edit form shows the counts as the names give them, not to be typed.
    edit = client.get(reverse("orgs:life_edit", args=["A1", record.pk])).content.decode()
    assert 'name="present" value="1"' in edit
    assert "disabled" in edit.split('name="present"')[1].split(">")[0]
    response = client.post(
        reverse("orgs:life_edit", args=["A1", record.pk]),
        {"kind": "theme_day", "held_on": DAY.isoformat(), "topic": "重温入党誓词（补记）",
         "expected": "9", "present": "9"},
    )  # fmt: skip
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.topic, record.expected, record.present) == ("重温入党誓词（补记）", 3, 1)


def test_a_leave_without_a_reason_is_sent_back(client, sam, people, record):
    client.force_login(sam)
    response = client.post(url(record), form_data(people, 李四=("leave", "")))
    assert response.status_code == 400
    assert "李四：请假须填写请假事由。" in response.content.decode()
    assert not Attendance.objects.exists()
    response = client.post(url(record), {**form_data(people), f"status_{people['张三'].pk}": "x"})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_clearing_the_names(client, sam, people, record):
    client.force_login(sam)
    client.post(url(record), form_data(people, 王五=("absent", "")))
    response = client.post(url(record), {"action": "clear"})
    assert response.status_code == 302
    assert not Attendance.objects.exists()


def test_a_group_meeting_asks_for_the_group(client, tree, sam, people):
    group = PartyGroup.objects.create(
        organization=tree["A1"], name="第一党小组", leader=people["张三"], formed_on=DAY
    )
    group.members.set([people["张三"], people["李四"]])
    record = life_record_create(
        user=sam,
        organization=tree["A1"],
        kind="group_meeting",
        held_on=DAY,
        topic="小组学习",
        expected=2,
        present=2,
    )
    client.force_login(sam)
    html = client.get(url(record)).content.decode()
    assert "召开会议的党小组" in html
    assert f'name="status_{people["张三"].pk}"' not in html
    html = client.get(url(record), {"group": group.pk}).content.decode()
    assert f'name="status_{people["张三"].pk}"' in html
    assert f'name="status_{people["王五"].pk}"' not in html
    members = {n: people[n] for n in ("张三", "李四")}
    data = {**form_data(members, 李四=("absent", "")), "group": group.pk}
    assert client.post(url(record), data).status_code == 302
    record.refresh_from_db()
    assert (record.expected, record.present) == (2, 1)
    # An unknown group lists nobody, and is no error.
    assert client.get(url(record), {"group": "999999"}).status_code == 200


def test_a_committee_meeting_has_no_names(client, tree, sam, people):
    record = life_record_create(
        user=sam,
        organization=tree["A1"],
        kind="committee_meeting",
        held_on=DAY,
        topic="研究工作",
        expected=3,
        present=3,
    )
    client.force_login(sam)
    response = client.get(url(record))
    assert "支委会只按人数登记出席情况" in response.content.decode()
    assert client.post(url(record), form_data(people)).status_code == 302
    assert not Attendance.objects.exists()


def test_another_subtree_sees_and_changes_nothing(client, tree, charlie, people, record):
    client.force_login(charlie)
    assert client.get(url(record)).status_code == 404
    assert client.post(url(record), form_data(people, 王五=("absent", ""))).status_code == 404
    assert client.post(url(record), {"action": "clear"}).status_code == 404
    wrong_code = reverse("members:attendance", args=["B1", record.pk])
    assert client.get(wrong_code).status_code == 404
    assert not Attendance.objects.exists()


def test_read_only_users_see_the_names_and_change_nothing(client, tree, sam, leo, people, record):
    client.force_login(sam)
    client.post(url(record), form_data(people, 王五=("absent", "")))
    sue = make_user("sue", tree["A1"], "secretary")  # a secretary who did not record it
    for user in (leo, sue):
        client.force_login(user)
        page = client.get(url(record))
        assert page.status_code == 200
        html = page.content.decode()
        assert "王五" in html
        assert 'type="radio"' not in html
        response = client.post(url(record), form_data(people, 王五=("present", "")))
        assert response.status_code == 403
    assert Attendance.objects.get(member=people["王五"]).status == "absent"


def test_the_page_costs_a_constant_number_of_queries(
    client, tree, sam, people, record, django_assert_max_num_queries
):
    for seq in range(10, 40):
        make_member(tree["A1"], seq=seq)
    client.force_login(sam)
    with django_assert_max_num_queries(12):
        response = client.get(url(record))
    assert response.status_code == 200
    assert response.content.decode().count('type="radio"') == 33 * 3


def test_the_list_page_marks_named_records(client, tree, sam, people, record):
    client.force_login(sam)
    client.post(url(record), form_data(people, 王五=("absent", "")))
    html = client.get(reverse("orgs:life", args=["A1"])).content.decode()
    assert "按名单" in html
