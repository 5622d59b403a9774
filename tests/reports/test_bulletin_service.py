"""Running bulletin records: who may ask, one record and one file per scope and period,
the schedule's keep-or-rebuild rule, retries and visible failures.

The PDF itself is replaced by a small stand-in here (test_bulletin_content renders real
ones); tasks run eagerly, as in the embedded default.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from config.celery import app
from core.pdf import FontMissingError
from core.periods import Period
from reports import bulletin_runs as service
from reports.models import Bulletin
from reports.tasks import build_quarter_bulletins, generate_bulletin
from tests.factories import make_user

PERIOD = Period.quarter_of(timezone.localdate()).previous


@pytest.fixture(autouse=True)
def eager_tasks():
    """Services, not plumbing (tests/test_bulletin_worker.py runs a real worker)."""
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = django_settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def builds(monkeypatch):
    """A stand-in for the PDF: records each build; `fail` makes the next builds raise."""
    calls: list[tuple[str, str]] = []
    failures: list[BaseException] = []

    def build(*, org, period):
        calls.append((org.code, str(period)))
        if failures:
            raise failures.pop(0)
        return f"%PDF-1.7 {org.code} {period} #{len(calls)}".encode(), 3

    monkeypatch.setattr(service, "build_bulletin", build)
    build.calls = calls
    build.fail = failures.extend
    return build


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """A media folder per test, so that files left by other tests are not counted."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def media_files() -> list[Path]:
    from django.conf import settings

    return list(Path(settings.MEDIA_ROOT).rglob("bulletin-*.pdf"))


def test_a_leader_asks_and_the_bulletin_is_built(
    leo, tree, builds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = service.request_bulletin(user=leo, org=tree["C"], period=PERIOD)
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.DONE
    assert bulletin.pages == 3
    assert bulletin.generated_at is not None
    assert bulletin.requested_by == leo
    assert bulletin.trigger == Bulletin.Trigger.MANUAL
    assert bulletin.attempts == 1
    assert bulletin.file.read().startswith(b"%PDF-1.7 C")
    assert bulletin.history.latest().history_user == leo


def test_asking_again_replaces_the_file_in_the_same_record(
    leo, tree, builds, django_capture_on_commit_callbacks
):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            service.request_bulletin(user=leo, org=tree["A"], period=PERIOD)
    bulletin = Bulletin.objects.get()
    assert bulletin.file.read().endswith(b"#3")
    files = [p for p in media_files() if f"bulletin-{bulletin.pk}-" in p.name]
    assert [p.name for p in files] == [Path(bulletin.file.name).name]


def test_a_township_leader_cannot_ask_for_the_other_township(tree, builds):
    leader_a = make_user("leader_a", tree["A"], "leader")
    with pytest.raises(PermissionDenied):
        service.request_bulletin(user=leader_a, org=tree["B"], period=PERIOD)
    with pytest.raises(PermissionDenied):
        service.request_bulletin(user=leader_a, org=tree["C"], period=PERIOD)
    assert not Bulletin.objects.exists()


def test_a_secretary_cannot_ask(sam, tree, builds):
    with pytest.raises(PermissionDenied):
        service.request_bulletin(user=sam, org=tree["A1"], period=PERIOD)
    assert not Bulletin.objects.exists()


def test_a_quarter_not_begun_cannot_be_asked_for(leo, tree, builds):
    # A quarter lasts at most 92 days: 100 days on is always a quarter not yet begun.
    next_quarter = Period.quarter_of(timezone.localdate() + datetime.timedelta(days=100))
    with pytest.raises(ValidationError):
        service.request_bulletin(user=leo, org=tree["C"], period=next_quarter)
    assert not Bulletin.objects.exists()


def test_the_schedule_builds_the_county_and_each_township_once(
    tree, builds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        service.scheduled_bulletins(PERIOD)
    with django_capture_on_commit_callbacks(execute=True):
        again = service.scheduled_bulletins(PERIOD)
    assert again == []
    records = Bulletin.objects.order_by("organization__path")
    assert [b.organization.code for b in records] == ["C", "A", "B"]
    assert {b.status for b in records} == {Bulletin.Status.DONE}
    assert {b.trigger for b in records} == {Bulletin.Trigger.SCHEDULE}
    assert sorted(builds.calls) == sorted([(c, str(PERIOD)) for c in ("C", "A", "B")])
    assert len(media_files()) == 3


def test_the_schedule_keeps_a_finished_bulletin_and_rebuilds_a_failed_one(
    tree, builds, django_capture_on_commit_callbacks
):
    builds.fail([FontMissingError("缺少字体")])  # the first build (county) fails for good
    with django_capture_on_commit_callbacks(execute=True):
        service.scheduled_bulletins(PERIOD)
    county = Bulletin.objects.get(organization=tree["C"])
    assert county.status == Bulletin.Status.FAILED
    assert county.error == "缺少字体"
    with django_capture_on_commit_callbacks(execute=True):
        rebuilt = service.scheduled_bulletins(PERIOD)
    assert [b.organization.code for b in rebuilt] == ["C"]
    county.refresh_from_db()
    assert county.status == Bulletin.Status.DONE
    assert county.error == ""


def test_the_beat_task_builds_the_latest_due_quarter(tree, builds, settings):
    settings.CHECKLIST_DEADLINE_DAYS = 10
    settings.BULLETIN_DELAY_DAYS = 5
    # 14 January: the fourth quarter's lists were due on the 10th, bulletins on the 15th.
    before = build_quarter_bulletins.delay(today="2027-01-14").get()
    assert before["period"] == "2026Q3"
    on_the_day = build_quarter_bulletins.delay(today="2027-01-15").get()
    assert on_the_day["period"] == "2026Q4"
    assert Bulletin.objects.filter(year=2026, number=4).count() == 3


def test_a_curable_failure_is_retried_and_then_succeeds(
    leo, tree, builds, django_capture_on_commit_callbacks
):
    builds.fail([OSError("磁盘忙")])
    with django_capture_on_commit_callbacks(execute=True):
        service.request_bulletin(user=leo, org=tree["C"], period=PERIOD)
    bulletin = Bulletin.objects.get()
    assert bulletin.status == Bulletin.Status.DONE
    assert bulletin.attempts == 2
    assert bulletin.error == ""


def test_failures_are_retried_then_left_failed_with_the_reason(
    leo, tree, builds, django_capture_on_commit_callbacks
):
    retries = django_settings.BULLETIN_MAX_RETRIES
    builds.fail([OSError("磁盘已满")] * (retries + 1))
    with django_capture_on_commit_callbacks(execute=True):
        service.request_bulletin(user=leo, org=tree["C"], period=PERIOD)
    bulletin = Bulletin.objects.get()
    assert bulletin.status == Bulletin.Status.FAILED
    assert bulletin.attempts == retries + 1
    assert "磁盘已满" in bulletin.error
    assert not bulletin.file
    assert len(builds.calls) == retries + 1


def test_a_missing_font_is_not_retried(leo, tree, builds, django_capture_on_commit_callbacks):
    builds.fail([FontMissingError("服务器缺少中文字体 fonts-noto-cjk")])
    with django_capture_on_commit_callbacks(execute=True):
        service.request_bulletin(user=leo, org=tree["C"], period=PERIOD)
    bulletin = Bulletin.objects.get()
    assert bulletin.status == Bulletin.Status.FAILED
    assert bulletin.attempts == 1
    assert "fonts-noto-cjk" in bulletin.error


def test_a_redelivered_task_does_not_build_twice(
    leo, tree, builds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = service.request_bulletin(user=leo, org=tree["C"], period=PERIOD)
    assert generate_bulletin.delay(bulletin.pk).get() is None
    assert len(builds.calls) == 1


def test_a_bulletin_running_past_the_time_limit_counts_as_failed(
    leo, tree, builds, django_capture_on_commit_callbacks
):
    limit = datetime.timedelta(seconds=django_settings.BULLETIN_TIME_LIMIT)
    bulletin = Bulletin.objects.create(
        organization=tree["C"],
        period_kind=PERIOD.kind,
        year=PERIOD.year,
        number=PERIOD.number,
        trigger=Bulletin.Trigger.MANUAL,
        requested_at=timezone.now(),
        status=Bulletin.Status.RUNNING,
        started_at=timezone.now() - limit - datetime.timedelta(seconds=1),
    )
    assert service.is_stale(bulletin)
    assert not service.is_pending(bulletin)
    with django_capture_on_commit_callbacks(execute=True):
        service.request_bulletin(user=leo, org=tree["C"], period=PERIOD)
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.DONE


def test_a_bulletin_being_built_is_not_queued_twice(
    leo, tree, builds, django_capture_on_commit_callbacks
):
    Bulletin.objects.create(
        organization=tree["C"],
        period_kind=PERIOD.kind,
        year=PERIOD.year,
        number=PERIOD.number,
        trigger=Bulletin.Trigger.SCHEDULE,
        requested_at=timezone.now(),
        status=Bulletin.Status.RUNNING,
        started_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        service.request_bulletin(user=leo, org=tree["C"], period=PERIOD)
    assert callbacks == []
    assert builds.calls == []
