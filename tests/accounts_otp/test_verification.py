"""Enrolled users verify each sign-in with a code or a single-use recovery code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditKind

from .helpers import RESET, SETUP, VERIFY, code_for, enrol, events, sign_in

pytestmark = pytest.mark.usefixtures("otp_required")


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_the_next_sign_in_goes_to_verification_and_back(client, alice):
    device, _codes = enrol(alice)
    sign_in(client, "alice", next_url="/orgs/")
    response = client.get("/orgs/")
    assert response["Location"] == f"{VERIFY}?next=/orgs/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(VERIFY, {"code": code_for(device), "next": "/orgs/"})
    assert response["Location"] == "/orgs/"
    assert client.get("/orgs/").status_code == 200
    # A verified session leaves the second-factor pages.
    assert client.get(VERIFY)["Location"] == "/"
    assert events(AuditKind.SECOND_FACTOR_FAILED) == []


def test_a_foreign_next_is_not_followed(client, alice):
    device, _codes = enrol(alice)
    sign_in(client, "alice")
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_wrong_code_is_refused_and_says_nothing_else(client, alice, tree):
    device, _codes = enrol(alice)
    sign_in(client, "alice")
    response = client.post(VERIFY, {"code": wrong(code_for(device))})
    content = response.content.decode()
    assert response.status_code == 200
    assert "验证码不正确，请重新输入。" in content
    assert 'name="code" value=' not in content  # emptied for the next code
    assert client.get("/")["Location"].startswith(VERIFY)
    (event,) = events(AuditKind.SECOND_FACTOR_FAILED)
    assert (event.user, event.organization) == (alice, tree["C"])
    assert event.target == "alice：登录验证：验证码错误"


def test_django_otp_throttling_refuses_even_the_right_code_for_a_while(client, alice):
    device, _codes = enrol(alice)
    sign_in(client, "alice")
    client.post(VERIFY, {"code": wrong(code_for(device))})
    response = client.post(VERIFY, {"code": code_for(device)})
    content = response.content.decode()
    assert "验证失败次数过多，请在" in content
    assert "秒后再试。" in content
    assert client.get("/")["Location"].startswith(VERIFY)
    failures = events(AuditKind.SECOND_FACTOR_FAILED)
    assert [e.target for e in failures] == [
        "alice：登录验证：验证码错误",
        "alice：登录验证：尝试过于频繁，未校验验证码",
    ]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the refused attempt was not checked


def test_a_recovery_code_works_once(client, alice):
    _device, codes = enrol(alice)
    sign_in(client, "alice")
    typed = f"{codes[0][:4].upper()}-{codes[0][4:].upper()}"  # as printed, in capitals
    response = client.post(VERIFY, {"code": typed})
    assert response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "已使用一个恢复码，还剩 1 个。" in page
    client.post(reverse("logout"))
    sign_in(client, "alice")
    response = client.post(VERIFY, {"code": codes[0]})
    assert "验证码不正确，请重新输入。" in response.content.decode()
    assert client.get("/")["Location"].startswith(VERIFY)


def test_township_staff_without_the_permission_are_not_asked(client, bob):
    sign_in(client, "bob")
    assert client.get("/").status_code == 200
    assert client.get(reverse("orgs:tree")).status_code == 200
    # The pages have nothing for them.
    assert client.get(SETUP)["Location"] == "/"
    assert client.get(VERIFY)["Location"] == "/"


def test_an_unverified_session_still_reaches_logout_healthz_and_static_files(client, alice):
    sign_in(client, "alice")
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/css/portal.css").status_code in (200, 404)  # never a redirect
    assert client.get(VERIFY)["Location"].startswith(SETUP)  # not enrolled yet
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_with_otp_not_required_nothing_changes(client, alice, root, settings):
    settings.OTP_REQUIRED = False
    enrol(alice)
    for username in ("alice", "root"):
        sign_in(client, username)
        assert client.get("/").status_code == 200
        assert client.get(reverse("admin:index")).status_code == 200
        client.post(reverse("logout"))
    assert client.get(RESET).status_code == 302  # signed out: the login page
