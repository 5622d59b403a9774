"""After the password, privileged users enrol an authenticator and get recovery codes."""

from __future__ import annotations

import re
from base64 import b32encode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditKind

from .helpers import SETUP, code_for, enrol, events, pending_device, shown_codes, sign_in

pytestmark = pytest.mark.usefixtures("otp_required")


@pytest.mark.parametrize("username", ["alice", "bob"])
def test_after_the_password_privileged_users_go_to_enrolment(
    client, alice, full_view_bob, username
):
    response = sign_in(client, username, next_url="/members/?q=张")
    assert response["Location"] == "/members/?q=%E5%BC%A0"
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=/members/%3Fq%3D%25E5%25BC%25A0"
    # Every page, the back office included, until the second factor is passed.
    for url in ("/", reverse("orgs:tree"), reverse("admin:index"), reverse("audit:list")):
        assert client.get(url)["Location"].startswith(f"{SETUP}?next=")
    assert client.post(reverse("orgs:tree"))["Location"] == f"{SETUP}?next=/orgs/"


def test_the_enrolment_page_shows_the_key_as_svg_and_in_groups_of_four(client, alice):
    sign_in(client, "alice")
    response = client.get(SETUP)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    content = response.content.decode()
    device = pending_device(alice)
    assert '<svg width="100%" height="220"' in content
    assert 'role="img"' in content
    assert "data:" not in content
    assert " style=" not in content
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", content).group(1)
    groups = key.split(" ")
    assert len(groups) == 8
    assert all(len(g) == 4 for g in groups)
    assert "".join(groups) == b32encode(device.bin_key).decode()
    assert "任何支持 TOTP 的身份验证器应用" in content
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # Reloading shows the same key: one pending authenticator.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_a_correct_code_enrols_verifies_and_shows_ten_recovery_codes_once(client, alice, tree):
    sign_in(client, "alice")
    client.get(SETUP)
    device = pending_device(alice)
    response = client.post(SETUP, {"code": code_for(device), "next": "/orgs/"})
    assert response.status_code == 200
    content = response.content.decode()
    codes = shown_codes(content)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert "恢复码只显示这一次" in content
    assert 'href="/orgs/"' in content
    stored = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    assert stored == {c.replace("-", "").lower() for c in codes}
    device.refresh_from_db()
    assert device.confirmed
    # The session is verified: the portal opens.
    assert client.get(reverse("orgs:tree")).status_code == 200
    # The codes are never shown again.
    again = client.get(SETUP)
    assert again.status_code == 302
    assert shown_codes(client.get(again["Location"]).content.decode()) == []
    (event,) = events(AuditKind.SECOND_FACTOR_ENROLLED)
    assert (event.user, event.username, event.organization) == (alice, "alice", tree["C"])
    assert event.target.startswith("alice：")


def test_a_wrong_code_does_not_enrol(client, alice):
    sign_in(client, "alice")
    client.get(SETUP)
    response = client.post(
        SETUP, {"code": "000000" if code_for(pending_device(alice)) != "000000" else "111111"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "验证码不正确，请重新输入。" in content
    assert 'role="alert"' in content
    assert not pending_device(alice).confirmed
    assert client.get("/")["Location"].startswith(SETUP)
    (event,) = events(AuditKind.SECOND_FACTOR_FAILED)
    assert event.user == alice
    assert "绑定身份验证器：验证码错误" in event.target


def test_a_code_that_is_not_six_digits_is_refused_before_any_check(client, alice):
    sign_in(client, "alice")
    client.get(SETUP)
    response = client.post(SETUP, {"code": "12ab"})
    assert "请输入身份验证器应用中显示的 6 位数字。" in response.content.decode()
    assert pending_device(alice).throttling_failure_count == 0
    assert events(AuditKind.SECOND_FACTOR_FAILED) == []


def test_full_width_digits_from_a_chinese_input_method_are_accepted(client, alice):
    sign_in(client, "alice")
    client.get(SETUP)
    code = code_for(pending_device(alice))
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)  # 1 → １
    response = client.post(SETUP, {"code": f"{wide[:3]} {wide[3:]}"})
    assert len(shown_codes(response.content.decode())) == 10


def test_an_enrolled_user_cannot_enrol_again_with_the_password_alone(client, alice):
    enrol(alice)
    sign_in(client, "alice")
    response = client.get(SETUP)
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.post(SETUP, {"code": "123456"})["Location"].startswith(
        reverse("accounts:otp_verify")
    )
    assert TOTPDevice.objects.filter(user=alice).count() == 1
