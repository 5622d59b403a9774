"""The organisation life pages: the list with the quarterly table, fast entry, a record's
page with its files and history, edit/delete, and the overview — each within scope."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.periods import Quarter
from orgs.life.services import life_record_create
from orgs.models import OrgLifeRecord
from tests.factories import make_member
from tests.test_org_life_services import photo


def login(client, user):
    client.force_login(user)
    return client


def entry(**overrides):
    data = {
        "kind": "branch_assembly",
        "held_on": timezone.localdate().isoformat(),
        "topic": "学习党章",
        "expected": "10",
        "present": "4",
        "minutes": "传达上级精神。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def a1_record(tree, sam):
    return life_record_create(
        user=sam,
        organization=tree["A1"],
        kind="branch_assembly",
        held_on=timezone.localdate(),
        topic="甲一村党员大会",
        expected=10,
        present=4,
        minutes="研究发展党员。",
        files=[photo("会场.png")],
    )


def test_the_entry_form_prefills_today_and_the_member_count(client, tree, sam):
    for seq in range(3):
        make_member(tree["A1"], seq=seq + 1)
    response = login(client, sam).get(reverse("orgs:life_new", args=["A1"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="expected" value="3"' in html
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert 'accept="image/*,application/pdf"' in html
    assert 'capture="environment"' in html


def test_sam_records_for_a1_and_returns_to_the_list(client, tree, sam):
    client = login(client, sam)
    response = client.post(
        reverse("orgs:life_new", args=["A1"]),
        {**entry(), "files": [photo("一.png"), photo("二.png")]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("orgs:life", args=["A1"])
    html = response.content.decode()
    assert "已录入支部党员大会“学习党章”" in html
    assert "未过半数" in html  # 4 of 10
    record = OrgLifeRecord.objects.get()
    assert (record.organization.code, record.recorded_by) == ("A1", sam)
    assert record.attachments.count() == 2


def test_sam_cannot_record_for_a2(client, tree, sam):
    client = login(client, sam)
    assert client.get(reverse("orgs:life_new", args=["A2"])).status_code == 404
    assert client.post(reverse("orgs:life_new", args=["A2"]), entry()).status_code == 404
    assert not OrgLifeRecord.objects.exists()


def test_a_leader_sees_the_list_but_cannot_record(client, tree, leo, a1_record):
    client = login(client, leo)
    response = client.get(reverse("orgs:life", args=["A1"]))
    assert "甲一村党员大会" in response.content.decode()
    assert reverse("orgs:life_new", args=["A1"]) not in response.content.decode()
    assert client.get(reverse("orgs:life_new", args=["A1"])).status_code == 403
    assert client.post(reverse("orgs:life_new", args=["A1"]), entry()).status_code == 403
    edit = reverse("orgs:life_edit", args=["A1", a1_record.pk])
    assert client.post(edit, entry(topic="改了")).status_code == 403
    delete = reverse("orgs:life_delete", args=["A1", a1_record.pk])
    assert client.post(delete).status_code == 403
    assert OrgLifeRecord.objects.get().topic == "甲一村党员大会"


def test_bad_input_is_reported_on_the_field_and_nothing_is_saved(client, tree, sam):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = login(client, sam).post(
        reverse("orgs:life_new", args=["A1"]),
        {**entry(held_on=tomorrow, present="12"), "files": [photo()]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "召开日期不能晚于今天" in html
    assert "实到人数（12）不能多于应到人数（10）" in html
    assert not OrgLifeRecord.objects.exists()


def test_charlie_sees_and_changes_nothing_of_a(client, tree, charlie, a1_record):
    client = login(client, charlie)
    attachment = a1_record.attachments.get()
    urls = [
        reverse("orgs:life", args=["A1"]),
        reverse("orgs:life", args=["A"]),
        reverse("orgs:life_new", args=["A1"]),
        reverse("orgs:life_record", args=["A1", a1_record.pk]),
        reverse("orgs:life_edit", args=["A1", a1_record.pk]),
        reverse("orgs:life_delete", args=["A1", a1_record.pk]),
        reverse("orgs:life_file", args=["A1", a1_record.pk, attachment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, entry()).status_code == 404, url
    # Asking through his own organisation's code does not reach A's record either.
    assert client.get(reverse("orgs:life_record", args=["B1", a1_record.pk])).status_code == 404
    overview = client.get(reverse("orgs:life_overview")).content.decode()
    assert "甲一村支部" not in overview
    assert "乙一村支部" in overview
    assert OrgLifeRecord.objects.get().topic == "甲一村党员大会"


def test_the_record_page_shows_files_history_and_quorum(client, tree, bob, a1_record):
    client = login(client, bob)
    response = client.get(reverse("orgs:life_record", args=["A1", a1_record.pk]))
    html = response.content.decode()
    assert "会场.png" in html
    assert "未过半数" in html
    assert "研究发展党员" in html
    assert reverse("orgs:life_edit", args=["A1", a1_record.pk]) in html
    attachment = a1_record.attachments.get()
    file = client.get(reverse("orgs:life_file", args=["A1", a1_record.pk, attachment.pk]))
    assert file.status_code == 200
    assert file["Content-Type"] == "image/png"
    assert file["X-Content-Type-Options"] == "nosniff"
    assert b"".join(file.streaming_content).startswith(b"\x89PNG")


def test_sam_edits_his_record_and_the_history_names_him(client, tree, sam, a1_record):
    client = login(client, sam)
    url = reverse("orgs:life_edit", args=["A1", a1_record.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, entry(topic="甲一村党员大会（补记）", present="8"), follow=True)
    html = response.content.decode()
    assert "已保存修改" in html
    assert "主题：甲一村党员大会 → 甲一村党员大会（补记）" in html
    assert "实到人数：4 → 8" in html
    a1_record.refresh_from_db()
    assert a1_record.quorate
    assert a1_record.history.order_by("-history_id").first().history_user == sam


def test_staff_delete_after_confirming(client, tree, bob, a1_record):
    client = login(client, bob)
    url = reverse("orgs:life_delete", args=["A1", a1_record.pk])
    confirm = client.get(url).content.decode()
    assert "确定要删除" in confirm
    assert "1 个照片或文件" in confirm
    response = client.post(url, follow=True)
    assert "已删除支部党员大会“甲一村党员大会”" in response.content.decode()
    assert not OrgLifeRecord.objects.exists()


def test_the_list_filters_by_kind_and_year_and_shows_the_quarter_table(client, tree, bob):
    a1 = tree["A1"]
    for kind, day in [
        ("theme_day", datetime.date(2024, 5, 4)),
        ("committee_meeting", datetime.date(2024, 5, 6)),
        ("theme_day", datetime.date(2023, 5, 4)),
    ]:
        OrgLifeRecord.objects.create(
            organization=a1, kind=kind, held_on=day, topic=f"T{day}{kind}", expected=5, present=5
        )
    client = login(client, bob)
    url = reverse("orgs:life", args=["A1"])
    html = client.get(url, {"kind": "theme_day", "held_year": "2024"}).content.decode()
    assert "T2024-05-04theme_day" in html
    assert "T2024-05-06committee_meeting" not in html
    assert "T2023-05-04theme_day" not in html
    table = client.get(url, {"year": "2024", "quarter": "2"}).content.decode()
    assert "2024年第2季度：应开与已录入" in table
    assert "缺 2 次" in table  # 主题党日 1 of 3, 支委会 1 of 3


def test_the_township_page_lists_its_branches_with_shortfalls(client, tree, bob):
    response = login(client, bob).get(reverse("orgs:life", args=["A"]))
    html = response.content.decode()
    assert "下级组织中有 2 个未达要求" in html
    assert reverse("orgs:life", args=["A1"]) in html


def test_the_overview_lists_shortfalls_in_scope_with_bounded_queries(
    client, tree, bob, django_assert_max_num_queries
):
    quarter = Quarter.of(timezone.localdate())
    client = login(client, bob)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("orgs:life_overview"))
    html = response.content.decode()
    assert "甲一村支部" in html
    assert "甲二村支部" in html
    assert "乙一村支部" not in html
    assert f"{quarter.year}年第{quarter.number}季度" in html


def test_the_list_page_has_bounded_queries(client, tree, bob, django_assert_max_num_queries):
    for i in range(40):
        OrgLifeRecord.objects.create(
            organization=tree["A1"],
            kind="theme_day",
            held_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
            topic=f"主题{i}",
            expected=5,
            present=2,
        )
    client = login(client, bob)
    # + the bodies of the organisations (支部委员会, 党小组) and the page's attendance by name
    with django_assert_max_num_queries(17):
        response = client.get(reverse("orgs:life", args=["A"]))
    assert response.content.decode().count("未过半数") == 30  # one page


def test_the_organisation_page_links_to_its_organisation_life(client, tree, sam):
    html = login(client, sam).get(reverse("orgs:detail", args=["A1"])).content.decode()
    assert reverse("orgs:life", args=["A1"]) in html
