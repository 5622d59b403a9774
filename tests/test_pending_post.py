"""A form sent after the idle timeout is kept and submitted for its user after sign-in."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from accounts import middleware
from members.models import Member
from tests.members.test_roster_forms import form_data

LOGIN = reverse("login")


@pytest.fixture
def clock(monkeypatch):
    now = {"t": int(time.time())}
    monkeypatch.setattr(middleware, "clock", lambda: now["t"])
    return now


def sign_in(client, username: str, next_url: str, clock):
    clock["t"] = int(time.time())  # signing in happens now; the timeout was the clock's
    return client.post(
        f"{LOGIN}?next={next_url}",
        {"username": username, "password": "pw-for-tests-1", "next": next_url},
    )


def timed_out_post(client, clock, bob, tree):
    client.force_login(bob)
    assert client.get(reverse("home")).status_code == 200
    clock["t"] += 31 * 60
    response = client.post(reverse("members:create"), form_data(tree["A1"], name="周超时"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    page = client.get(response["Location"]).content.decode()
    assert "您刚才填写的内容已保留，登录后将自动提交。" in page
    return response


def test_the_same_user_signing_in_again_gets_the_form_submitted(client, clock, bob, tree):
    timed_out_post(client, clock, bob, tree)
    assert not Member.objects.exists()
    back = sign_in(client, "bob", reverse("members:create"), clock)
    assert back["Location"] == reverse("members:create")
    saved = client.get(back["Location"], follow=True)
    member = Member.objects.get()
    assert member.name == "周超时"
    assert "已按您超时前填写的内容重新提交。" in saved.content.decode()
    # Once only: the page is an empty form afterwards.
    assert client.get(reverse("members:create")).status_code == 200
    assert Member.objects.count() == 1


def test_an_invalid_kept_form_comes_back_with_the_input_and_errors(client, clock, bob, tree):
    client.force_login(bob)
    client.get(reverse("home"))
    clock["t"] += 31 * 60
    client.post(reverse("members:create"), form_data(tree["A1"], name="周超时", joined_on=""))
    sign_in(client, "bob", reverse("members:create"), clock)
    page = client.get(reverse("members:create")).content.decode()
    assert 'value="周超时"' in page
    assert "请按提示修改标红的项目后再保存。" in page
    assert not Member.objects.exists()


def test_another_user_on_the_same_browser_gets_nothing(client, clock, bob, charlie, tree):
    timed_out_post(client, clock, bob, tree)
    sign_in(client, "charlie", reverse("members:create"), clock)
    page = client.get(reverse("members:create")).content.decode()
    assert "周超时" not in page
    assert not Member.objects.exists()
