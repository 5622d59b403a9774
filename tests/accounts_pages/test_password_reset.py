"""Resetting a password: a confirmation, a new initial password shown once (and on a
slip), the old one and the user's sessions gone, and a forced change at the next
sign-in that ends on the page the user asked for."""

from __future__ import annotations

import re

from django.test import Client

from accounts.models import User
from audit.models import AuditKind

from .helpers import (
    CHANGE,
    INITIAL,
    PASSWORD,
    RESET,
    SLIP,
    TOKEN,
    events,
    pdf_text,
    sign_in,
    slips_in,
)


def reset(client, username: str) -> str:
    response = client.post(RESET, {"username": username, "submission": TOKEN})
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"]
    return INITIAL.search(response.content.decode()).group(0)


def test_staff_confirm_before_resetting(client, bob, sam):
    client.force_login(bob)
    page = client.get(RESET, {"username": "sam"}).content.decode()
    assert "确认重置" in page
    assert "书记 · 甲一村支部" in page
    assert User.objects.get(pk=sam.pk).check_password(PASSWORD)


def test_the_new_password_is_shown_once_and_the_old_one_stops_working(client, bob, sam):
    signed_in = Client()
    signed_in.force_login(sam)
    client.force_login(bob)
    password = reset(client, "sam")
    sam.refresh_from_db()
    assert sam.check_password(password)
    assert not sam.check_password(PASSWORD)
    assert sam.must_change_password
    # Sam's open session ends with the old password.
    assert signed_in.get("/orgs/").status_code == 302
    assert sign_in(Client(), "sam", PASSWORD).status_code == 200  # refused: the form again


def test_the_reset_offers_a_slip_with_the_new_password(client, bob, sam):
    client.force_login(bob)
    response = client.post(RESET, {"username": "sam", "submission": TOKEN})
    password = INITIAL.search(response.content.decode()).group(0)
    key = re.search(r'name="key" value="([^"]+)"', response.content.decode()).group(1)
    text = pdf_text(client.post(SLIP, {"key": key}).content)
    assert slips_in(text) == {"sam": password}
    assert "甲一村支部" in text
    assert "重置密码" in text


def test_a_repeated_reset_form_does_not_reset_twice(client, bob, sam):
    client.force_login(bob)
    password = reset(client, "sam")
    again = client.post(RESET, {"username": "sam", "submission": TOKEN})
    assert again.status_code == 302
    sam.refresh_from_db()
    assert sam.check_password(password)
    assert len(events(AuditKind.PASSWORD_RESET)) == 1


def test_the_user_must_change_the_password_before_anything_else(client, bob, sam):
    client.force_login(bob)
    password = reset(client, "sam")

    secretary = Client()
    response = sign_in(secretary, "sam", password)
    assert response.status_code == 302
    # Home, any page, a form: all lead to the change page, back to where they were going.
    home = secretary.get("/")
    assert home.status_code == 302
    assert home["Location"] == f"{CHANGE}?next=/"
    assert secretary.get("/orgs/")["Location"] == f"{CHANGE}?next=/orgs/"
    assert secretary.post("/orgs/life/", {})["Location"].startswith(CHANGE)
    page = secretary.get(CHANGE, {"next": "/"}).content.decode()
    assert "请设置新密码" in page
    assert "初始密码" in page

    # The initial password again is refused; a password of one's own is taken.
    same = secretary.post(
        CHANGE,
        {"old_password": password, "new_password1": password, "new_password2": password},
    )
    assert "新密码不能与当前密码相同" in same.content.decode()
    done = secretary.post(
        CHANGE,
        {
            "old_password": password,
            "new_password1": "wo-de-mi-ma-2026",
            "new_password2": "wo-de-mi-ma-2026",
            "next": "/",
        },
    )
    assert done.status_code == 302
    finished = secretary.get(done["Location"]).content.decode()
    assert "密码已修改" in finished
    assert 'href="/"' in finished
    sam.refresh_from_db()
    assert not sam.must_change_password
    assert secretary.get("/").status_code == 200  # the session goes on
    assert sign_in(Client(), "sam", "wo-de-mi-ma-2026").status_code == 302


def test_sign_out_and_the_second_factor_stay_open(client, bob, sam, settings):
    client.force_login(bob)
    reset(client, "sam")
    secretary = Client()
    secretary.force_login(User.objects.get(pk=sam.pk))
    assert secretary.get("/static/css/portal.css").status_code in (200, 404)
    assert not secretary.get("/static/css/portal.css").get("Location", "").startswith(CHANGE)
    assert secretary.get("/accounts/otp/setup/").status_code == 302  # its own redirect
    assert not secretary.get("/accounts/otp/setup/")["Location"].startswith(CHANGE)
    assert secretary.get("/healthz").status_code == 200
    assert secretary.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in secretary.session


def test_a_reset_releases_a_lock_of_the_login_throttle(client, bob, sam):
    for _ in range(5):
        sign_in(Client(), "sam", "wrong-password-1")
    client.force_login(bob)
    password = reset(client, "sam")
    assert sign_in(Client(), "sam", password).status_code == 302
