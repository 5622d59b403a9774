"""党小组 of a branch: set up and changed by staff and the branch's secretary, a 组长 among
its members, each member in one group only; nobody outside the subtree sees or changes any."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import PartyGroup
from members.services.groups import delete_group, save_group
from tests.factories import make_member, make_user


@pytest.fixture
def people(tree):
    names = ["张三", "李四", "王五", "赵六"]
    return {n: make_member(tree["A1"], seq=i + 1, name=n) for i, n in enumerate(names)}


def values(people, *names, leader=None, name="第一党小组", formed_on=None):
    return {
        "name": name,
        "leader_id": people[leader or names[0]].pk,
        "member_ids": [people[n].pk for n in names],
        "formed_on": formed_on or timezone.localdate(),
    }


def test_the_secretary_sets_up_a_group_with_history(tree, sam, people):
    group = save_group(user=sam, organization=tree["A1"], **values(people, "张三", "李四"))
    assert (group.name, group.leader, group.organization) == (
        "第一党小组",
        people["张三"],
        tree["A1"],
    )
    assert sorted(m.name for m in group.members.all()) == ["张三", "李四"]
    assert group.history.first().history_user == sam


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"name": " "}, "name", "必填"),
        ({"member_ids": []}, "members", "至少选择一名"),
        ({"leader_id": None}, "leader", "必填"),
        (
            {"formed_on": timezone.localdate() + datetime.timedelta(days=1)},
            "formed_on",
            "不能晚于今天",
        ),
    ],
)
def test_the_rules_name_the_field(tree, sam, people, change, field, fragment):
    with pytest.raises(ValidationError) as excinfo:
        save_group(user=sam, organization=tree["A1"], **{**values(people, "张三"), **change})
    assert fragment in excinfo.value.message_dict[field][0]
    assert not PartyGroup.objects.exists()


def test_the_leader_is_a_member_and_members_are_in_one_group(tree, sam, people):
    with pytest.raises(ValidationError) as excinfo:
        save_group(user=sam, organization=tree["A1"], **values(people, "张三", leader="李四"))
    assert excinfo.value.message_dict["leader"] == ["组长须是本小组的组员。"]
    first = save_group(user=sam, organization=tree["A1"], **values(people, "张三", "李四"))
    with pytest.raises(ValidationError) as excinfo:
        save_group(
            user=sam,
            organization=tree["A1"],
            **values(people, "李四", "王五", leader="王五", name="第二党小组"),
        )
    assert "李四（第一党小组）" in excinfo.value.message_dict["members"][0]
    with pytest.raises(ValidationError) as excinfo:
        save_group(user=sam, organization=tree["A1"], **values(people, "王五"))
    assert "已有名为“第一党小组”" in excinfo.value.message_dict["name"][0]
    # Changing a group keeps its own members and name.
    save_group(user=sam, organization=tree["A1"], group=first, **values(people, "李四", "赵六"))
    assert sorted(m.name for m in first.members.all()) == ["李四", "赵六"]


def test_members_come_from_the_branch(tree, sam, people):
    outsider = make_member(tree["A2"], seq=9, name="甲二人")
    with pytest.raises(ValidationError) as excinfo:
        save_group(
            user=sam,
            organization=tree["A1"],
            name="第一党小组",
            leader_id=outsider.pk,
            member_ids=[outsider.pk],
            formed_on=timezone.localdate(),
        )
    assert "本支部的在册党员" in excinfo.value.message_dict["members"][0]


def test_who_may_manage_groups(tree, bob, charlie, leo, people):
    sue = make_user("sue", tree["A2"], "secretary")
    for user in (charlie, leo, sue):
        with pytest.raises(PermissionDenied):
            save_group(user=user, organization=tree["A1"], **values(people, "张三"))
    group = save_group(user=bob, organization=tree["A1"], **values(people, "张三"))
    for user in (charlie, leo, sue):
        with pytest.raises(PermissionDenied):
            delete_group(user=user, group=group)
    # Groups are set up in branches, not in a township committee.
    with pytest.raises(PermissionDenied):
        save_group(user=bob, organization=tree["A"], **values(people, "张三"))
    delete_group(user=bob, group=group)
    assert not PartyGroup.objects.exists()


# --- pages ----------------------------------------------------------------------------------
def test_the_secretary_sets_up_a_group_on_the_page(client, tree, sam, people):
    client.force_login(sam)
    url = reverse("members:groups", args=["A1"])
    page = client.get(url)
    assert page.status_code == 200
    assert "本支部未设党小组" in page.content.decode()
    data = {
        "name": "第一党小组",
        "members": [people["张三"].pk, people["李四"].pk],
        "leader": people["张三"].pk,
        "formed_on": timezone.localdate().isoformat(),
    }
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == url
    html = response.content.decode()
    assert "已设立党小组“第一党小组”" in html
    group = PartyGroup.objects.get()
    # Members already in a group are not offered again; the leader must be in the group.
    response = client.post(url, {**data, "name": "第二党小组", "leader": people["王五"].pk})
    assert response.status_code == 400
    assert PartyGroup.objects.count() == 1
    edit = reverse("members:group", args=["A1", group.pk])
    response = client.post(
        edit, {**data, "members": [people["李四"].pk], "leader": people["李四"].pk}
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.leader == people["李四"]
    assert client.post(edit, {"action": "delete"}).status_code == 302
    assert not PartyGroup.objects.exists()


def test_a_bad_date_is_a_message_not_an_error(client, tree, sam, people):
    client.force_login(sam)
    response = client.post(
        reverse("members:groups", args=["A1"]),
        {"name": "第一党小组", "members": ["x"], "leader": "y", "formed_on": "2024-13-01"},
    )
    assert response.status_code == 400
    assert not PartyGroup.objects.exists()


def test_another_subtree_sees_and_changes_nothing(client, tree, sam, charlie, leo, people):
    group = save_group(user=sam, organization=tree["A1"], **values(people, "张三", "李四"))
    client.force_login(charlie)
    listing = reverse("members:groups", args=["A1"])
    one = reverse("members:group", args=["A1", group.pk])
    assert client.get(listing).status_code == 404
    assert client.post(listing, {"name": "外来小组"}).status_code == 404
    assert client.get(one).status_code == 404
    assert client.post(one, {"action": "delete"}).status_code == 404
    assert client.get(reverse("members:group", args=["B1", group.pk])).status_code == 404
    # A leader of the county reads the list, changes nothing.
    client.force_login(leo)
    html = client.get(listing).content.decode()
    assert "第一党小组" in html
    assert one not in html
    assert client.post(listing, {"name": "领导小组"}).status_code == 403
    assert client.post(one, {"action": "delete"}).status_code == 403
    assert PartyGroup.objects.get().name == "第一党小组"


def test_the_list_costs_a_constant_number_of_queries(
    client, tree, sam, people, django_assert_max_num_queries
):
    save_group(user=sam, organization=tree["A1"], **values(people, "张三", "李四"))
    save_group(
        user=sam,
        organization=tree["A1"],
        **values(people, "王五", "赵六", name="第二党小组"),
    )
    client.force_login(sam)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("members:groups", args=["A1"]))
    assert response.status_code == 200
