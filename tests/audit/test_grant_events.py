"""Grants: the full-view permission (directly, through a group, as a superuser) and role
assignments, with who gave them — a user of the portal, or nobody (the command line)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Assignment
from accounts.services import grant, set_full_personal_data
from audit.models import AuditKind
from tests.audit.helpers import events, full_view_permission

FULL = "查看完整身份证号码和电话"


def test_the_grant_service_records_the_permission_given_and_taken(bob, tree):
    set_full_personal_data(bob, True)
    (given,) = events(AuditKind.PERMISSION_GRANTED)
    assert (given.user, given.target, given.organization) == (None, f"bob：{FULL}", tree["A"])
    set_full_personal_data(bob, False)
    (taken,) = events(AuditKind.PERMISSION_REVOKED)
    assert taken.target == f"bob：{FULL}"


def test_taking_a_permission_never_held_records_nothing(bob):
    set_full_personal_data(bob, False)
    bob.user_permissions.clear()
    assert events(AuditKind.PERMISSION_REVOKED) == []


def test_the_grant_command_records_its_permission(bob, capsys):
    call_command("grant", "bob", "A", "staff", "--full-personal-data")
    assert [e.target for e in events(AuditKind.PERMISSION_GRANTED)] == [f"bob：{FULL}"]
    assert events(AuditKind.PERMISSION_GRANTED)[0].actor_label == "部署人员（命令行）"


def test_other_permissions_are_not_audited(bob):
    from django.contrib.auth.models import Permission

    bob.user_permissions.add(Permission.objects.get(codename="view_member"))
    assert events(AuditKind.PERMISSION_GRANTED) == []


def test_adding_and_clearing_from_the_permissions_side(bob, charlie):
    permission = full_view_permission()
    permission.user_set.add(bob, charlie)
    assert sorted(e.target for e in events(AuditKind.PERMISSION_GRANTED)) == [
        f"bob：{FULL}",
        f"charlie：{FULL}",
    ]
    permission.user_set.clear()
    assert len(events(AuditKind.PERMISSION_REVOKED)) == 2


def test_a_group_holding_the_permission(bob):
    group = Group.objects.create(name="档案室")
    plain = Group.objects.create(name="普通组")
    bob.groups.add(plain)
    assert events(AuditKind.PERMISSION_GRANTED) == []
    group.permissions.add(full_view_permission())
    (to_group,) = events(AuditKind.PERMISSION_GRANTED)
    assert to_group.target == f"用户组“档案室”（0 名用户）：{FULL}"
    bob.groups.add(group)
    assert events(AuditKind.PERMISSION_GRANTED)[-1].target == f"bob：{FULL}（经用户组“档案室”）"
    group.user_set.remove(bob)
    assert events(AuditKind.PERMISSION_REVOKED)[-1].target == f"bob：{FULL}（经用户组“档案室”）"


def test_making_a_superuser_and_back(bob):
    bob.is_superuser = True
    bob.save()
    bob.save()  # unchanged: nothing new
    bob.is_superuser = False
    bob.save()
    superuser = "bob：超级用户（拥有全部权限）"
    assert [e.target for e in events(AuditKind.PERMISSION_GRANTED)] == [superuser]
    assert [e.target for e in events(AuditKind.PERMISSION_REVOKED)] == [superuser]


def test_the_grant_service_records_the_role(tree):
    grant(username="wang", org_code="A1", role="secretary")
    grant(username="wang", org_code="A1", role="secretary")  # idempotent: nothing new
    (event,) = [e for e in events(AuditKind.ROLE_ASSIGNED) if e.target.startswith("wang")]
    assert (event.user, event.target) == (None, "wang：书记 · 甲一村支部")
    assert event.organization == tree["A1"]


def test_removing_a_role_is_recorded(sam, tree):
    Assignment.objects.get(user=sam).delete()
    (event,) = events(AuditKind.ROLE_REMOVED)
    assert (event.target, event.organization) == ("sam：书记 · 甲一村支部", tree["A1"])


def test_a_role_given_in_the_admin_names_who_gave_it(client, root, bob, tree):
    client.force_login(root)
    response = client.post(
        reverse("admin:accounts_assignment_add"),
        {"user": bob.pk, "organization": tree["B1"].pk, "role": "leader"},
    )
    assert response.status_code == 302
    event = events(AuditKind.ROLE_ASSIGNED)[-1]
    assert (event.user, event.username, event.target) == (root, "root", "bob：领导 · 乙一村支部")
    assert event.scope_label == "系统管理员"
    assert event.ip_address == "127.0.0.1"
    assert event.organization == tree["B1"]


def test_editing_a_role_ends_the_old_one(sam):
    assignment = Assignment.objects.get(user=sam)
    assignment.role = "leader"
    assignment.save()
    assert events(AuditKind.ROLE_REMOVED)[-1].target == "sam：书记 · 甲一村支部"
    assert events(AuditKind.ROLE_ASSIGNED)[-1].target == "sam：领导 · 甲一村支部"
