"""County staff reset the second factor of users in their subtree; nobody else does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.second_factor.reset import resettable_users
from accounts.services import grant
from audit.models import AuditKind
from tests.factories import make_org, make_user

from .helpers import RESET, SETUP, VERIFY, code_for, enrol, events, has_devices, sign_in

pytestmark = pytest.mark.usefixtures("otp_required")


def verified_client(client, user):
    device, _codes = enrol(user)
    sign_in(client, user.username)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    return client


@pytest.fixture
def alice_client(client, alice):
    return verified_client(client, alice)


def test_county_staff_reset_a_township_user_who_then_enrols_again(
    alice_client, full_view_bob, tree, django_user_model
):
    enrol(full_view_bob)
    page = alice_client.get(RESET, {"username": "bob"})
    content = page.content.decode()
    assert page.status_code == 200
    assert "确认重置双因素认证" in content
    assert "已绑定" in content
    assert has_devices(full_view_bob)  # asking is not doing
    response = alice_client.post(RESET, {"username": "bob"})
    assert response["Location"] == RESET
    assert not has_devices(full_view_bob)
    assert "已重置用户 bob 的双因素认证" in alice_client.get(RESET).content.decode()
    (event,) = events(AuditKind.SECOND_FACTOR_RESET)
    assert (event.user, event.username) == (
        django_user_model.objects.get(username="alice"),
        "alice",
    )
    assert event.target.startswith("bob：")
    assert event.organization == tree["A"]  # bob's township staff read it too
    # bob signs in and enrols again
    from django.test import Client

    bob_client = Client()
    sign_in(bob_client, "bob")
    assert bob_client.get("/")["Location"].startswith(SETUP)


def test_a_reset_ends_the_verification_of_a_running_session(alice_client, full_view_bob):
    from django.test import Client

    bob_client = verified_client(Client(), full_view_bob)
    assert bob_client.get("/").status_code == 200
    alice_client.post(RESET, {"username": "bob"})
    assert bob_client.get("/")["Location"].startswith(SETUP)


def test_township_staff_cannot_reset_anyone(client, bob, sam, leo):
    enrol(sam)
    sign_in(client, "bob")
    assert client.get(RESET).status_code == 403
    assert client.get(RESET, {"username": "sam"}).status_code == 403
    assert client.post(RESET, {"username": "sam"}).status_code == 403
    assert has_devices(sam)
    assert events(AuditKind.SECOND_FACTOR_RESET) == []


def test_county_staff_cannot_reset_a_superuser_themselves_or_outsiders(
    alice_client, alice, root, django_user_model
):
    grant(username="root", org_code="A", role="staff")  # a superuser working in the county
    other_county = make_org(code="D", name="邻县县委", kind="committee", level="county")
    outsider = make_user("dora", other_county, "staff")
    both = make_user("ben", other_county, "staff")
    grant(username="ben", org_code="A1", role="secretary")  # also works in this county
    for user in (root, outsider, both):
        enrol(user)
        response = alice_client.post(RESET, {"username": user.username})
        assert response.status_code == 200
        assert "您可以重置的用户中没有这个用户名。" in response.content.decode()
        assert has_devices(user)
    response = alice_client.post(RESET, {"username": "alice"})
    assert "不能在这里重置自己的双因素认证" in response.content.decode()
    assert has_devices(alice)
    # An unknown name gets the same answer as the superuser and the outsiders.
    assert (
        "您可以重置的用户中没有这个用户名。"
        in alice_client.get(RESET, {"username": "nosuchuser"}).content.decode()
    )
    assert events(AuditKind.SECOND_FACTOR_RESET) == []


def test_county_staff_reset_each_other_and_superusers_reset_anyone_else(
    alice, root, tree, bob, sam
):
    colleague = make_user("carol", tree["C"], "staff")
    assert set(resettable_users(alice)) == {bob, sam, colleague}
    assert set(resettable_users(root)) >= {alice, bob, sam, colleague}
    assert root not in resettable_users(root)
    assert not resettable_users(bob).exists()


def test_the_reset_page_is_linked_from_the_user_and_assignment_admins(
    client, alice, root, full_view_bob
):
    enrol(full_view_bob)
    verified_client(client, root)
    page = client.get(reverse("admin:accounts_user_change", args=[full_view_bob.pk]))
    content = page.content.decode()
    assert "已绑定身份验证器" in content
    assert f'href="{RESET}?username=bob"' in content
    client.post(reverse("logout"))
    from django.test import Client

    county = verified_client(Client(), alice)
    assignment = full_view_bob.assignments.get()
    page = county.get(reverse("admin:accounts_assignment_change", args=[assignment.pk]))
    assert f'href="{RESET}?username=bob"' in page.content.decode()


def test_django_otps_device_admins_are_not_offered(client, root):
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
