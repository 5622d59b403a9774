"""The bell and the notifications page: once per event, own notifications only. E-mail
copies go through the outbox: after commit, from the worker, once per notification."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse

from config.celery import app
from core import notifications, tasks
from core.models import Notification, OutboxTask
from core.notifications import Message, notify, notify_many


@pytest.fixture
def mailable_sam(sam, settings, monkeypatch):
    # The mail task runs in this process, as in the embedded default, also in the pass
    # with Redis (the tests that need a worker say so).
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.EMAIL_HOST = "mail.example.org"
    sam.email = "sam@example.org"
    sam.save()
    return sam


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


def test_it_mails_only_when_a_mail_server_is_configured(
    mailable_sam, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = ""
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=mailable_sam, text="一", url="", event_key="a", email=True)
    assert mail.outbox == []
    assert not OutboxTask.objects.exists()
    settings.EMAIL_HOST = "mail.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=mailable_sam, text="二", url="", event_key="b", email=True)
        notify(user=mailable_sam, text="二", url="", event_key="b", email=True)
    assert [m.subject for m in mail.outbox] == ["二"]


def test_the_mail_goes_after_commit(mailable_sam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=mailable_sam, text="清单已下发", url="", event_key="a", email=True)
        assert mail.outbox == []  # not before the transaction commits
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert Notification.objects.get(event_key="a").mailed_at is not None


def test_nothing_is_mailed_when_the_transaction_rolls_back(
    mailable_sam, django_capture_on_commit_callbacks
):
    def failing_view():
        with transaction.atomic():
            notify(user=mailable_sam, text="清单已下发", url="", event_key="a", email=True)
            raise RuntimeError("the view failed after notifying")

    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError):
        failing_view()
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert not OutboxTask.objects.exists()


def test_a_redelivered_task_mails_nothing_twice(mailable_sam, bob, settings):
    bob.email = "bob@example.org"
    bob.save()
    new = [
        Notification.objects.create(user=user, text="清单已下发", event_key="e1")
        for user in (mailable_sam, bob)
    ]
    ids = [n.pk for n in new]
    assert tasks.mail_notifications.apply(args=[ids]).get() == 2
    assert tasks.mail_notifications.apply(args=[ids]).get() == 0  # redelivered
    assert tasks.mail_notifications.apply(args=[ids[:1]]).get() == 0  # a concurrent run
    assert sorted(m.to[0] for m in mail.outbox) == ["bob@example.org", "sam@example.org"]


def _notifying_view(request: HttpRequest) -> HttpResponse:
    notify(user=request.user, text="清单被退回", url="/checklists/", event_key="r1", email=True)
    return HttpResponse("ok")


urlpatterns = [path("notify/", _notifying_view)]


@pytest.mark.urls(__name__)
def test_the_request_does_not_talk_to_the_mail_server(
    client, mailable_sam, monkeypatch, django_capture_on_commit_callbacks
):
    """With a worker (not the embedded eager default) the request only queues the ids;
    the worker mails."""
    connections = []
    real = notifications.get_connection
    monkeypatch.setattr(
        notifications, "get_connection", lambda **kw: connections.append(kw) or real(**kw)
    )
    handed = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(
        tasks.mail_notifications, "apply_async", lambda **kw: handed.append(kw["args"])
    )
    client.force_login(mailable_sam)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/notify/").status_code == 200
    notification = Notification.objects.get(event_key="r1")
    assert handed == [[[notification.pk]]]
    assert OutboxTask.objects.get().status == OutboxTask.Status.SENT
    assert (connections, mail.outbox) == ([], [])
    tasks.mail_notifications.run(*handed[0])  # the worker
    assert len(connections) == 1
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_mailed_links_carry_the_portals_address(
    mailable_sam, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_URL = "https://dangjian.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=mailable_sam, text="清单已下发", url="/checklists/7/", event_key="a", email=True
        )
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


def test_notify_many_mails_only_what_it_created(
    sam, bob, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A concurrent run created sam's notification between our look-up and our insert:
    it mails it, we must not mail it again."""
    monkeypatch.setitem(app.conf, "task_always_eager", True)  # the mail task, in-process
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
    with django_capture_on_commit_callbacks(execute=True):
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


def test_mail_waits_a_bounded_time_for_the_server(
    mailable_sam, settings, monkeypatch, django_capture_on_commit_callbacks
):
    seen = {}
    real = notifications.get_connection

    def spy(**kwargs):
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(notifications, "get_connection", spy)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=mailable_sam, text="一", url="", event_key="a", email=True)
    assert seen == {"fail_silently": True, "timeout": notifications.DEFAULT_EMAIL_TIMEOUT}
    settings.EMAIL_TIMEOUT = 3
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=mailable_sam, text="二", url="", event_key="b", email=True)
    assert seen["timeout"] == 3
    assert len(mail.outbox) == 2


def test_notify_and_notify_many_agree(sam):
    assert notify(user=sam, text="一", url="", event_key="x") is True
    assert notify_many(messages=[Message(user=sam, text="一", url="", event_key="x")]) == []
    assert notify(user=None, text="无人", url="", event_key="y") is False
