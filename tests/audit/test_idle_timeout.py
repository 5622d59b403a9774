"""A session unused for SESSION_IDLE_TIMEOUT is signed out; the clock is moved, not waited."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts import middleware
from audit.models import AuditKind
from tests.audit.helpers import events

MINUTE = 60


@pytest.fixture
def clock(monkeypatch):
    """The middleware's clock, from the real time of the sign-in on moved by hand."""
    now = {"t": int(time.time())}
    monkeypatch.setattr(middleware, "clock", lambda: now["t"])
    return now


@pytest.fixture
def signed_in(client, bob, clock):
    client.force_login(bob)
    assert client.get(reverse("home")).status_code == 200
    return client


def test_a_session_used_within_the_limit_stays(signed_in, clock):
    for _ in range(4):
        clock["t"] += 29 * MINUTE
        assert signed_in.get(reverse("orgs:tree")).status_code == 200


def test_thirty_idle_minutes_sign_out_back_to_the_page_asked_for(signed_in, clock, bob):
    clock["t"] += 30 * MINUTE
    response = signed_in.get(reverse("members:list"), {"q": "张"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/members/%3Fq%3D%25E5%25BC%25A0"
    assert SESSION_KEY not in signed_in.session
    page = signed_in.get(response["Location"]).content.decode()
    assert "由于 30 分钟没有操作，您已自动退出，请重新登录。" in page
    (event,) = events(AuditKind.LOGOUT)
    assert (event.user, event.target) == (bob, "空闲超时，自动退出")
    # signing in again leads back to the page
    response = signed_in.post(
        response["Location"],
        {"username": "bob", "password": "pw-for-tests-1", "next": "/members/?q=张"},
    )
    assert response["Location"] == "/members/?q=%E5%BC%A0"


def test_a_form_sent_after_the_timeout_returns_to_its_page(signed_in, clock):
    clock["t"] += 31 * MINUTE
    url = reverse("members:create")
    response = signed_in.post(f"{url}?org=A", {"name": "王五"})
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_the_activity_time_is_written_at_most_once_a_minute(signed_in, clock):
    key = middleware.LAST_ACTIVITY
    start = clock["t"]
    assert key not in signed_in.session  # within a minute of the sign-in: nothing written
    clock["t"] += 60
    signed_in.get(reverse("orgs:tree"))
    assert signed_in.session[key] == start + 60
    clock["t"] += 59
    signed_in.get(reverse("orgs:tree"))
    assert signed_in.session[key] == start + 60  # not saved again within the minute
    clock["t"] += 1
    signed_in.get(reverse("orgs:tree"))
    assert signed_in.session[key] == start + 120


def test_a_session_never_used_after_its_sign_in_times_out_too(client, bob, clock):
    client.force_login(bob)
    clock["t"] += 30 * MINUTE
    response = client.get(reverse("home"))
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_limit_follows_the_setting_and_zero_switches_it_off(signed_in, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 10 * MINUTE
    clock["t"] += 10 * MINUTE
    page = signed_in.get(reverse("home"), follow=True).content.decode()
    assert "由于 10 分钟没有操作" in page
    signed_in.post(reverse("login"), {"username": "bob", "password": "pw-for-tests-1"})
    settings.SESSION_IDLE_TIMEOUT = 0
    clock["t"] += 7 * 24 * 60 * MINUTE
    assert signed_in.get(reverse("home")).status_code == 200


def test_anonymous_requests_are_left_alone(client, clock, tree):
    clock["t"] += 999 * MINUTE
    assert client.get(reverse("login")).status_code == 200
    assert middleware.LAST_ACTIVITY not in client.session


def test_the_absolute_session_limit_stays(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_IDLE_TIMEOUT == 30 * MINUTE
