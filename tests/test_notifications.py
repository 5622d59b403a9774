"""The bell and the notifications page: once per event, own notifications only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from core.models import Notification
from core.notifications import Message, notify, notify_many


def test_it_notifies_once_per_event(sam):
    assert notify(user=sam, text="清单已下发", url="/checklists/", event_key="e1") is True
    assert notify(user=sam, text="清单已下发", url="/checklists/", event_key="e1") is False
    assert Notification.objects.filter(user=sam).count() == 1


def test_notify_many_skips_what_exists(sam, bob):
    notify(user=sam, text="旧", url="", event_key="e1")
    new = notify_many(
        messages=[
            Message(user=sam, text="旧", url="", event_key="e1"),
            Message(user=sam, text="新", url="", event_key="e2"),
            Message(user=bob, text="新", url="", event_key="e1"),
        ]
    )
    assert sorted((m.user.username, m.event_key) for m in new) == [("bob", "e1"), ("sam", "e2")]
    assert Notification.objects.count() == 3


def test_it_mails_only_when_a_mail_server_is_configured(sam, settings):
    sam.email = "sam@example.org"
    sam.save()
    settings.EMAIL_HOST = ""
    notify(user=sam, text="一", url="", event_key="a", email=True)
    assert mail.outbox == []
    settings.EMAIL_HOST = "mail.example.org"
    notify(user=sam, text="二", url="", event_key="b", email=True)
    notify(user=sam, text="二", url="", event_key="b", email=True)
    assert [m.subject for m in mail.outbox] == ["二"]


def test_mailed_links_carry_the_portals_address(sam, settings):
    sam.email = "sam@example.org"
    sam.save()
    settings.EMAIL_HOST = "mail.example.org"
    settings.PORTAL_URL = "https://dangjian.example.gov.cn"
    notify(user=sam, text="清单已下发", url="/checklists/7/", event_key="a", email=True)
    assert mail.outbox[0].body == "清单已下发\nhttps://dangjian.example.gov.cn/checklists/7/"
    # in the portal the bell keeps the path
    assert Notification.objects.get(event_key="a").url == "/checklists/7/"


def test_mail_without_the_portals_address_is_flagged_by_the_checks(settings):
    from core.checks import mail_links_check

    settings.EMAIL_HOST = "mail.example.org"
    settings.PORTAL_URL = ""
    assert [w.id for w in mail_links_check(None)] == ["core.W001"]
    settings.PORTAL_URL = "https://dangjian.example.gov.cn"
    assert mail_links_check(None) == []
    settings.EMAIL_HOST = ""
    settings.PORTAL_URL = ""
    assert mail_links_check(None) == []


def test_the_bell_shows_the_unread_count(client, sam):
    notify(user=sam, text="一", url="", event_key="a")
    notify(user=sam, text="二", url="", event_key="b")
    client.force_login(sam)
    page = client.get(reverse("home")).content.decode()
    assert 'aria-label="站内通知，2 条未读"' in page
    assert reverse("notifications:list") in page


def test_the_bell_counts_with_one_query(rf, sam):
    from core.context_processors import notifications

    request = rf.get("/")
    request.user = sam
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert notifications(request) == {"unread_notifications": 0}
    assert len(queries) == 1


def test_the_bell_costs_nothing_for_anonymous_users(rf, db, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from core.context_processors import notifications

    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications(request) == {"unread_notifications": 0}


def test_the_page_lists_own_notifications_newest_first(
    client, sam, bob, django_assert_max_num_queries
):
    for n in range(35):
        notify(user=sam, text=f"通知{n:02d}", url="", event_key=f"k{n}")
    notify(user=bob, text="鲍勃的通知", url="", event_key="k0")
    client.force_login(sam)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notifications:list")).content.decode()
    assert page.index("通知34") < page.index("通知33")
    assert "通知04" not in page  # on page 2
    assert "鲍勃的通知" not in page
    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    assert "通知04" in second
    assert "通知00" in second


def test_it_marks_one_read_and_follows_its_link(client, sam):
    notify(user=sam, text="一", url="/checklists/", event_key="a")
    notification = Notification.objects.get()
    client.force_login(sam)
    response = client.post(
        reverse("notifications:read", args=[notification.pk]), {"next": "/checklists/"}
    )
    assert response.status_code == 302
    assert response.url == "/checklists/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'aria-label="站内通知，0 条未读"' in client.get(reverse("home")).content.decode()


def test_it_refuses_a_link_to_another_site(client, sam):
    notify(user=sam, text="一", url="", event_key="a")
    client.force_login(sam)
    response = client.post(
        reverse("notifications:read", args=[Notification.objects.get().pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response.url == reverse("notifications:list")


def test_it_marks_all_read(client, sam, bob):
    notify(user=sam, text="一", url="", event_key="a")
    notify(user=sam, text="二", url="", event_key="b")
    notify(user=bob, text="三", url="", event_key="a")
    client.force_login(sam)
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.filter(user=sam).unread().count() == 0
    assert Notification.objects.filter(user=bob).unread().count() == 1


def test_another_users_notification_is_not_found(client, sam, charlie):
    notify(user=sam, text="一", url="", event_key="a")
    client.force_login(charlie)
    response = client.post(reverse("notifications:read", args=[Notification.objects.get().pk]))
    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize("name", ["notifications:read_all"])
def test_marking_read_needs_post(client, sam, name):
    client.force_login(sam)
    assert client.get(reverse(name)).status_code == 405


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_notify_many_mails_only_what_it_created(sam, bob, settings, monkeypatch):
    """A concurrent run created sam's notification between our look-up and our insert:
    it mails it, we must not mail it again."""
    import core.notifications as notifications

    settings.EMAIL_HOST = "mail.example.org"
    for user in (sam, bob):
        user.email = f"{user.username}@example.org"
        user.save()
    original = notifications._create_one

    def concurrent_first(message):
        if message.user == sam:
            Notification.objects.create(user=sam, text="别处", event_key=message.event_key)
        return original(message)

    monkeypatch.setattr(notifications, "_create_one", concurrent_first)
    new = notify_many(
        messages=[
            Message(user=sam, text="清单已下发", url="/checklists/", event_key="e1"),
            Message(user=bob, text="清单已下发", url="/checklists/", event_key="e1"),
        ],
        email=True,
    )
    assert [m.user for m in new] == [bob]
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert mail.outbox[0].body == "清单已下发\n/checklists/"
    assert Notification.objects.filter(event_key="e1").count() == 2


def test_mail_waits_a_bounded_time_for_the_server(sam, settings, monkeypatch):
    import core.notifications as notifications

    settings.EMAIL_HOST = "mail.example.org"
    sam.email = "sam@example.org"
    sam.save()
    seen = {}
    real = notifications.get_connection

    def spy(**kwargs):
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(notifications, "get_connection", spy)
    notify(user=sam, text="一", url="", event_key="a", email=True)
    assert seen == {"fail_silently": True, "timeout": notifications.DEFAULT_EMAIL_TIMEOUT}
    settings.EMAIL_TIMEOUT = 3
    notify(user=sam, text="二", url="", event_key="b", email=True)
    assert seen["timeout"] == 3
    assert len(mail.outbox) == 2


def test_notify_and_notify_many_agree(sam):
    assert notify(user=sam, text="一", url="", event_key="x") is True
    assert notify_many(messages=[Message(user=sam, text="一", url="", event_key="x")]) == []
    assert notify(user=None, text="无人", url="", event_key="y") is False
