"""Security headers and settings as a deployer gets them (config.settings.production), login
throttling, session expiry and the password policy on every way a password is set.

`check --deploy` itself is run in tests/test_deploy.py; here we look at what the production
settings actually send and hold."""

from __future__ import annotations

import json
import textwrap

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User
from tests.test_deploy import run_manage

PASSWORD = "pw-for-tests-1"

# Run inside `manage.py shell` under the production settings: the settings a deployer gets
# and the headers of a real response over HTTPS (the proxy sets X-Forwarded-Proto).
PROBE = textwrap.dedent(
    """
    import json
    from django.conf import settings
    from django.test import Client
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    response = client.get("/accounts/login/", HTTP_HOST="dangjian.example.gov.cn")
    plain = Client().get("/accounts/login/", HTTP_HOST="dangjian.example.gov.cn")
    names = [
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "AXES_FAILURE_LIMIT",
    ]
    print(json.dumps({
        "settings": {name: getattr(settings, name) for name in names},
        "status": response.status_code,
        "headers": dict(response.headers),
        "csrf_cookie_secure": bool(response.cookies["csrftoken"]["secure"]),
        "plain_status": plain.status_code,
        "plain_location": plain.headers.get("Location", ""),
    }))
    """
)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    database = tmp_path_factory.mktemp("prod") / "probe.sqlite3"
    result = run_manage(
        "shell",
        "-c",
        PROBE,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k3y-" + "x9Qz!7rT#vB2mL@w" * 4,
        PERSONAL_DATA_KEYS=settings.PERSONAL_DATA_KEYS[0],
        DJANGO_ALLOWED_HOSTS="dangjian.example.gov.cn",
        DATABASE_URL=f"sqlite:///{database}",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_the_security_headers_over_https(production):
    headers = production["headers"]
    assert production["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]


def test_production_cookies_are_secure_and_plain_http_is_redirected(production):
    values = production["settings"]
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert production["csrf_cookie_secure"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert production["plain_status"] == 301
    assert production["plain_location"].startswith("https://dangjian.example.gov.cn/")


def test_production_sessions_expire(production):
    values = production["settings"]
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert 0 < values["SESSION_COOKIE_AGE"] <= 8 * 3600
    assert values["AXES_FAILURE_LIMIT"] == 5


# --- login throttling ---------------------------------------------------------------------


def login(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_sixth_attempt_after_five_failures_is_locked_out_even_with_the_password(
    client, bob, charlie
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "bob", "wrong-password-1")
        assert response.status_code in (200, 429)
        assert "_auth_user_id" not in client.session
    response = login(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock is on the username and address pair: another user from there still logs in.
    assert login(client, "charlie", PASSWORD).status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, bob):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "bob", "wrong-password-1")
    assert login(client, "bob", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


# --- sessions -----------------------------------------------------------------------------


def test_the_session_cookie_ends_with_the_browser_and_the_session_after_hours(client, bob):
    response = login(client, "bob", PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # No Max-Age/Expires: a browser session cookie, gone when the browser closes.
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True
    # The server side ends it after SESSION_COOKIE_AGE whatever the browser does.
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE <= 8 * 3600


# --- password policy ----------------------------------------------------------------------

# The refusal names the rule (Django 5.2's too-short message has no zh-Hans translation
# yet: see test_the_too_short_message_is_in_chinese).
WEAK_PASSWORDS = [
    ("short-1", "10"),
    ("1234567890123", "只包含数字"),
    ("password1234", "太常见"),
]


@pytest.mark.parametrize(("password", "reason"), WEAK_PASSWORDS)
def test_grant_refuses_a_weak_password(tree, password, reason):
    with pytest.raises(CommandError, match=reason):
        call_command("grant", "wang", "A", "staff", "--password", password)
    assert not User.objects.filter(username="wang").exists()


def test_grant_refuses_a_password_like_the_username(tree):
    call_command("grant", "zhangweiguo", "A", "staff")
    with pytest.raises(CommandError, match="相似"):
        call_command("grant", "zhangweiguo", "A", "staff", "--password", "zhangweiguo1")
    assert not User.objects.get(username="zhangweiguo").has_usable_password()


@pytest.mark.parametrize(("password", "reason"), WEAK_PASSWORDS)
def test_the_password_change_page_refuses_a_weak_password(client, bob, password, reason):
    client.force_login(bob)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert reason in response.content.decode()
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)


def test_the_password_change_page_accepts_a_strong_password(client, bob):
    client.force_login(bob)
    new = "cedar-lantern-river-42"
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password(new)


def test_the_too_short_message_is_in_chinese(tree):
    with pytest.raises(CommandError, match="太短"):
        call_command("grant", "wang", "A", "staff", "--password", "short-1")


# --- the back office refuses non-staff without a redirect loop ----------------------------


def test_a_secretary_opening_the_back_office_is_refused_not_looped(client, sam):
    client.force_login(sam)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
