"""Mobile members (流动党员): lost contact ≥ 6 months is a warning, recording contact clears it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.periods import add_months
from members.services.mobile import lost_contact_members, record_contact
from members.warnings import register_org_warnings
from tests.factories import make_member

TODAY = timezone.localdate()


def mobile(org, name, last_contact_on=None, **fields):
    return make_member(
        org,
        name=name,
        is_mobile=True,
        mobile_destination="广东省深圳市",
        last_contact_on=last_contact_on,
        **fields,
    )


@pytest.fixture
def roster(tree):
    return {
        "never": mobile(tree["A1"], "从未联系"),
        "lost": mobile(tree["A1"], "半年失联", add_months(TODAY, -6)),
        "recent": mobile(
            tree["A2"], "刚联系过", add_months(TODAY, -6) + datetime.timedelta(days=1)
        ),
        "home": make_member(tree["A1"], name="在家党员"),
        "gone": mobile(tree["A1"], "已转出者", status="transferred_out", status_changed_on=TODAY),
        "other": mobile(tree["B1"], "乙镇失联"),
    }


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_lost_contact_means_none_recorded_or_six_months_ago(roster, tree):
    assert names(lost_contact_members(org=tree["A"], today=TODAY)) == {"从未联系", "半年失联"}
    assert names(lost_contact_members(org=tree["A2"], today=TODAY)) == set()
    assert names(lost_contact_members(org=tree["C"], today=TODAY)) == {
        "从未联系",
        "半年失联",
        "乙镇失联",
    }


def test_the_months_come_from_settings(roster, tree, settings):
    settings.MOBILE_LOST_CONTACT_MONTHS = 3
    assert "刚联系过" in names(lost_contact_members(org=tree["A"], today=TODAY))


def test_recording_contact_clears_the_warning(bob, roster, tree):
    member = record_contact(user=bob, member=roster["lost"], on=TODAY)
    assert member.last_contact_on == TODAY
    assert member.history.first().history_user == bob
    assert names(lost_contact_members(org=tree["A"], today=TODAY)) == {"从未联系"}


def test_recording_contact_checks_the_date_and_the_member(bob, roster):
    with pytest.raises(ValidationError) as exc:
        record_contact(user=bob, member=roster["recent"], on=add_months(TODAY, -7))
    assert "早于已记录的最近联系日期" in exc.value.message_dict["on"][0]
    with pytest.raises(ValidationError):
        record_contact(user=bob, member=roster["never"], on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="不是流动党员"):
        record_contact(user=bob, member=roster["home"], on=TODAY)


def test_outsiders_and_secretaries_cannot_record_contact(charlie, sam, roster):
    for user in (charlie, sam):
        with pytest.raises(PermissionDenied):
            record_contact(user=user, member=roster["never"], on=TODAY)
    roster["never"].refresh_from_db()
    assert roster["never"].last_contact_on is None


# --- pages -----------------------------------------------------------------------------
def test_the_page_lists_mobile_members_with_the_warning(client, bob, roster):
    client.force_login(bob)
    content = client.get(reverse("members:mobile")).content.decode()
    for name in ("从未联系", "半年失联", "刚联系过"):
        assert name in content
    for name in ("在家党员", "已转出者", "乙镇失联"):
        assert name not in content
    assert content.count("失联满 6 个月") == 2
    lost_only = client.get(reverse("members:mobile"), {"lost": "1"}).content.decode()
    assert "刚联系过" not in lost_only
    assert "半年失联" in lost_only


def test_staff_record_contact_from_the_page(client, bob, roster):
    client.force_login(bob)
    url = reverse("members:mobile_contact", args=[roster["never"].pk])
    response = client.post(url, {"on": TODAY.isoformat(), "back": "lost=1&next=//evil.example"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('members:mobile')}?lost=1"
    roster["never"].refresh_from_db()
    assert roster["never"].last_contact_on == TODAY


def test_charlie_and_sam_cannot_record_contact_for_a(client, charlie, sam, roster):
    url = reverse("members:mobile_contact", args=[roster["never"].pk])
    client.force_login(charlie)
    assert client.post(url, {"on": TODAY.isoformat()}).status_code == 404
    assert "从未联系" not in client.get(reverse("members:mobile")).content.decode()
    client.force_login(sam)
    page = client.get(reverse("members:mobile")).content.decode()
    assert "从未联系" in page
    assert url not in page
    assert client.post(url, {"on": TODAY.isoformat()}).status_code == 403
    roster["never"].refresh_from_db()
    assert roster["never"].last_contact_on is None


def test_the_page_query_count_does_not_grow(client, bob, tree, django_assert_max_num_queries):
    for _ in range(30):
        mobile(tree["A1"], "流动某")
    client.force_login(bob)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("members:mobile"))
    assert response.content.decode().count(">流动某</a>") == 30


def test_lost_contact_is_a_warning_on_the_organisation_page(client, bob, roster):
    register_org_warnings()
    client.force_login(bob)
    content = client.get(reverse("orgs:detail", args=["A"])).content.decode()
    assert "流动党员：失去联系满 6 个月（或从未登记联系）2 人（" in content
    assert "从未联系" in content
    content = client.get(reverse("orgs:detail", args=["A2"])).content.decode()
    assert "失去联系" not in content
