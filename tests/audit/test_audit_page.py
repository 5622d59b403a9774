"""/audit/: county staff and superusers read the trail; nobody else."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, AuditKind
from audit.recording import record
from members.identity import mask_id_number
from tests.audit.helpers import full_view_permission
from tests.factories import make_org, make_user

URL = reverse("audit:list")


def at(when: datetime.datetime, kind: str = AuditKind.LOGIN, **fields) -> AuditEvent:
    return AuditEvent.objects.create(kind=kind, created_at=when, **fields)


@pytest.mark.parametrize("user_fixture", ["bob", "charlie", "sam", "leo"])
def test_everyone_but_county_staff_is_refused(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(URL).status_code == 403
    assert URL not in client.get(reverse("home")).content.decode()  # and no link to it


def test_anonymous_users_are_sent_to_sign_in(client, tree):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_county_staff_read_the_events_with_a_link_in_the_navigation(client, alice, bob):
    client.post(reverse("login"), {"username": "bob", "password": "wrong"})
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert f'href="{URL}" aria-current="page"' in content
    assert "登录失败" in content
    assert "bob" in content
    assert "分配角色" in content
    assert "bob：组织部工作人员 · 甲镇党委" in content


def test_superusers_read_the_events(client, root):
    client.force_login(root)
    assert client.get(URL).status_code == 200


def test_times_are_local_and_the_newest_comes_first(client, alice):
    at(datetime.datetime(2026, 3, 1, 1, 2, 3, tzinfo=datetime.UTC), username="older-one")
    at(datetime.datetime(2026, 3, 2, 16, 30, 0, tzinfo=datetime.UTC), username="newer-one")
    client.force_login(alice)
    content = client.get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-03"}).content.decode()
    assert "2026-03-01 09:02:03" in content  # Asia/Shanghai, UTC+8
    assert "2026-03-03 00:30:00" in content
    assert content.index("newer-one") < content.index("older-one")


def test_the_filters(client, alice, bob):
    day = timezone.make_aware(datetime.datetime(2026, 5, 10, 12, 0))
    at(day, AuditKind.LOGIN_FAILED, username="bob")
    at(day, AuditKind.LOGIN_FAILED, username="mallory")
    at(day - datetime.timedelta(days=3), AuditKind.LOGIN_FAILED, username="bob-earlier")
    client.force_login(alice)

    def shown(**query) -> str:
        return client.get(URL, query).content.decode()

    content = shown(kind=AuditKind.LOGIN_FAILED, username="bob", date_from="2026-05-10")
    assert "共 1 条记录" in content
    assert "mallory" not in content
    assert "bob-earlier" not in content
    content = shown(kind=AuditKind.LOGIN_FAILED, date_to="2026-05-09")
    assert "共 1 条记录" in content
    assert "bob-earlier" in content
    for label in ("事件", "用户名", "开始日期", "结束日期", "清除条件"):
        assert label in content
    assert "没有符合条件的记录。" in shown(kind=AuditKind.UNLOCKED)


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "0001-01-01"},
        {"date_to": "9999-12-31"},
        {"date_from": "99999999999999999999"},
        {"date_from": "２０２６-01-01"},
        {"date_from": "2026-05-10", "date_to": "2026-05-01"},
        {"kind": "nonsense"},
        {"page": "9999"},
    ],
)
def test_crafted_filters_are_refused_politely(client, alice, query):
    client.force_login(alice)
    response = client.get(URL, query)
    assert response.status_code == 200


def test_a_date_outside_the_portals_years_says_so(client, alice):
    client.force_login(alice)
    content = client.get(URL, {"date_to": "9999-12-31"}).content.decode()
    assert "年份应在 1921 到 2100 之间。" in content


def test_fifty_per_page_with_a_bounded_number_of_queries(
    client, alice, django_assert_max_num_queries
):
    start = timezone.now() - datetime.timedelta(hours=1)
    for n in range(60):
        at(start + datetime.timedelta(seconds=n), AuditKind.UNLOCKED, username=f"user{n:02d}")
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        content = client.get(URL, {"kind": AuditKind.UNLOCKED}).content.decode()
    assert "user59" in content
    assert "user10" in content
    assert "user09" not in content
    assert 'rel="next"' in content
    content = client.get(URL, {"kind": AuditKind.UNLOCKED, "page": 2}).content.decode()
    assert "user09" in content
    assert "kind=unlocked&amp;page=1" in content


def test_no_full_number_appears_on_the_page(client, alice, member_a1):
    alice.user_permissions.add(full_view_permission())
    client.force_login(alice)
    client.get(reverse("members:detail", args=[member_a1.pk]))
    record(AuditKind.LOGIN_FAILED, username=member_a1.id_number)
    content = client.get(URL).content.decode()
    assert "查看完整个人信息" in content
    assert mask_id_number(member_a1.id_number) in content
    assert member_a1.id_number not in content
    assert member_a1.phone not in content


def test_county_staff_of_another_county_see_only_their_own(client, alice):
    other = make_org(code="D", name="另一县委", kind="committee", level="county", domain="other")
    dora = make_user("dora", other, "staff")
    client.force_login(alice)
    assert "dora：组织部工作人员 · 另一县委" not in client.get(URL).content.decode()
    client.force_login(dora)
    content = client.get(URL).content.decode()
    assert "dora：组织部工作人员 · 另一县委" in content
    assert "测试县委（staff）" not in content
