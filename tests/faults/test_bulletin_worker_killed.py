"""A worker killed mid-bulletin: the record is queued again and ends as exactly one stored PDF.

A killed worker leaves its record "running"; once that is older than the task's hard time
limit no live worker can still have it, and `requeue_stale` (beat, every five minutes)
queues it again through the outbox. The fast tests run the service with eager tasks; the
last one kills a real `celery worker` process in the middle of a real render (PostgreSQL
only: the worker process must share the test database).
"""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from config.celery import app
from core.models import OutboxTask
from core.periods import Period
from reports import bulletin_runs as service
from reports.models import Bulletin
from reports.tasks import requeue_stale_bulletins
from tests.helpers import on_suite_clock

PERIOD = Period.quarter_of(timezone.localdate()).previous
GENERATE = "reports.tasks.generate_bulletin"  # pending outbox rows name it: never renamed


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """A media folder of the test's own, so that only its files are counted."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def pdf_files(root: Path) -> list[Path]:
    return sorted((root / service.BULLETIN_FOLDER).rglob("*.pdf"))


def running_since(org, period: Period, started_at, **fields) -> Bulletin:
    """A record as a worker leaves it when it is killed after claiming it."""
    return Bulletin.objects.create(
        organization=org,
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        trigger=fields.pop("trigger", Bulletin.Trigger.MANUAL),
        requested_at=started_at - datetime.timedelta(seconds=5),
        status=Bulletin.Status.RUNNING,
        started_at=started_at,
        attempts=1,
        **fields,
    )


def long_ago() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=django_settings.BULLETIN_TIME_LIMIT + 1)


# ---------------------------------------------------------------- the service, eager tasks


@pytest.fixture
def eager_tasks():
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = django_settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def builds(monkeypatch):
    """A stand-in for the PDF (test_bulletin_content renders real ones); records each build."""
    calls: list[str] = []

    def build(*, org, period):
        calls.append(org.code)
        return f"%PDF-1.7 {org.code} {period} #{len(calls)}".encode(), 2

    monkeypatch.setattr(service, "build_bulletin", build)
    return calls


def test_a_bulletin_left_running_by_a_dead_worker_is_rebuilt_once(
    eager_tasks, media, builds, tree, leo, django_capture_on_commit_callbacks
):
    dead = running_since(tree["C"], PERIOD, long_ago(), requested_by=leo)
    # The worker died after writing its file and before recording it: a file the record
    # does not point at, under the year the attempt ran in.
    leftover = media / "bulletins" / "2020" / f"bulletin-{dead.pk}-{PERIOD}_KiLLeD1.pdf"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"%PDF-1.7 half")
    # Any organisation and period, asked for by the schedule as well.
    scheduled = running_since(
        tree["B"], PERIOD.previous, long_ago(), trigger=Bulletin.Trigger.SCHEDULE
    )
    alive_since = timezone.now() - datetime.timedelta(seconds=30)
    alive = running_since(tree["A"], PERIOD, alive_since)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = service.requeue_stale()

    assert sorted(requeued) == sorted([dead.pk, scheduled.pk])
    assert sorted(builds) == ["B", "C"]
    for bulletin in (dead, scheduled):
        bulletin.refresh_from_db()
        assert bulletin.status == Bulletin.Status.DONE, bulletin.error
        assert bulletin.attempts == 2  # the killed attempt stays counted
        assert bulletin.error == ""
        assert bulletin.file.read(5) == b"%PDF-"
    assert dead.requested_by == leo
    assert dead.trigger == Bulletin.Trigger.MANUAL
    assert scheduled.trigger == Bulletin.Trigger.SCHEDULE
    # Exactly one file per bulletin: the killed attempt's is gone.
    assert not leftover.exists()
    assert pdf_files(media) == sorted(media / b.file.name for b in (dead, scheduled))

    # A worker still within the limit is left alone.
    alive.refresh_from_db()
    assert alive.status == Bulletin.Status.RUNNING
    assert alive.started_at == alive_since
    assert alive.attempts == 1

    # The next run finds nothing to do: no message, no build, no file.
    outbox = OutboxTask.objects.filter(task_name=GENERATE).count()
    with django_capture_on_commit_callbacks(execute=True):
        assert service.requeue_stale() == []
    assert OutboxTask.objects.filter(task_name=GENERATE).count() == outbox == 2
    assert len(builds) == 2
    assert len(pdf_files(media)) == 2


def test_the_record_is_queued_with_a_visible_note_until_a_worker_takes_it(
    media, tree, django_capture_on_commit_callbacks, monkeypatch
):
    sent: list[int] = []
    monkeypatch.setattr(service, "_enqueue", sent.append)  # Redis not reachable yet
    dead = running_since(tree["C"], PERIOD, long_ago())

    assert service.requeue_stale() == [dead.pk]

    dead.refresh_from_db()
    assert dead.status == Bulletin.Status.QUEUED
    assert dead.started_at is None
    assert "被中断" in dead.error
    assert sent == [dead.pk]
    assert service.is_pending(dead)
    # Queued again already: a second run (say, a second beat) sends nothing more.
    assert service.requeue_stale() == []
    assert sent == [dead.pk]


def test_time_passing_is_what_makes_a_record_stale(media, tree, monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(service, "_enqueue", sent.append)
    started = timezone.now()
    record = running_since(tree["C"], PERIOD, started)
    limit = datetime.timedelta(seconds=django_settings.BULLETIN_TIME_LIMIT)

    assert service.requeue_stale(now=started + limit) == []
    assert service.requeue_stale(now=started + limit + datetime.timedelta(seconds=1)) == [record.pk]
    assert sent == [record.pk]


def test_a_bulletin_that_kills_its_worker_every_time_ends_failed(
    media, tree, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[int] = []
    monkeypatch.setattr(service, "_enqueue", sent.append)
    attempts = 1 + django_settings.BULLETIN_MAX_RETRIES
    record = running_since(tree["C"], PERIOD, long_ago())
    Bulletin.objects.filter(pk=record.pk).update(attempts=attempts)

    assert service.requeue_stale() == []

    record.refresh_from_db()
    assert record.status == Bulletin.Status.FAILED
    assert f"生成 {attempts} 次均被中断" in record.error
    assert sent == []
    # A person may still ask for it again: that starts a fresh round of attempts.
    assert not service.is_pending(record)


def test_the_task_requeues_through_the_outbox(
    eager_tasks, media, builds, tree, django_capture_on_commit_callbacks
):
    dead = running_since(tree["A"], PERIOD, long_ago(), trigger=Bulletin.Trigger.SCHEDULE)
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale_bulletins.delay().get() == [dead.pk]
    dead.refresh_from_db()
    assert dead.status == Bulletin.Status.DONE
    row = OutboxTask.objects.get(task_name=GENERATE)
    assert row.args == [dead.pk]
    assert row.status == OutboxTask.Status.SENT


def test_beat_runs_the_requeue_every_five_minutes():
    entries = [
        entry
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "reports.tasks.requeue_stale_bulletins"
    ]
    assert len(entries) == 1
    assert float(entries[0]["schedule"]) == 300.0
    assert entries[0]["task"] in app.tasks


# ---------------------------------------------------------------- a real worker, really killed

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
PROJECT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_url():
    """A Redis of the test's own when redis-server is installed (no other worker can take
    its messages), else CI's REDIS_URL."""
    if os.path.exists(REDIS):
        port = free_port()
        process = subprocess.Popen(
            [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)
            else:
                raise RuntimeError("redis-server did not start")
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)
    elif os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
    else:
        if os.environ.get("CI"):
            pytest.fail("neither redis-server nor REDIS_URL: CI must provide Redis")
        pytest.skip("needs Redis: install redis-server or set REDIS_URL")


def worker_database_url() -> str:
    """The test database (not the one in DATABASE_URL), for the worker process."""
    s = connection.settings_dict
    user = quote(s["USER"] or "", safe="")
    password = quote(s["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if user else ""
    return f"postgres://{credentials}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker_process(*, broker: str, media: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        # base, not test: the test settings put MEDIA_ROOT in a folder of their own
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": broker,
        "MEDIA_ROOT": str(media),
    }
    return subprocess.Popen(
        [
            *on_suite_clock("celery", "-A", "config", "worker"),
            *(
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--hostname",
                f"killed-test-{time.time_ns()}@%h",
            ),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=PROJECT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, *, timeout: float, interval: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} after {timeout} s; worker log:\n{log.read_text()[-4000:]}")


def status_of(pk: int) -> str:
    return Bulletin.objects.filter(pk=pk).values_list("status", flat=True).get()


def test_a_worker_killed_mid_render_is_replaced_and_one_pdf_is_stored(
    transactional_db, media, broker_url, tree, leo, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the killed worker is a separate process that must share the test database: "
            "PostgreSQL only (the SQLite test database is in memory); CI runs it in its "
            "PostgreSQL pass"
        )
    log = tmp_path / "worker.log"
    saved = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = (
        broker_url,
        broker_url,
        False,
    )
    workers: list[subprocess.Popen] = []
    try:
        # Autocommit (transactional_db): the outbox sends the task as soon as this returns.
        bulletin = service.request_bulletin(user=leo, org=tree["C"], period=PERIOD)
        row = OutboxTask.objects.get(task_name=GENERATE, args=[bulletin.pk])
        assert row.status == OutboxTask.Status.SENT, row.last_error

        workers.append(start_worker_process(broker=broker_url, media=media, log=log))
        wait_for(
            lambda: status_of(bulletin.pk) == Bulletin.Status.RUNNING,
            timeout=30,
            interval=0.005,
            what="the first worker did not start the bulletin",
            log=log,
        )
        os.kill(workers[0].pid, signal.SIGKILL)  # mid-render: the claim is all it did
        workers[0].wait(timeout=10)

        bulletin.refresh_from_db()
        assert bulletin.status == Bulletin.Status.RUNNING, "the render ended before the kill"
        assert bulletin.attempts == 1
        assert not bulletin.file
        assert service.requeue_stale() == []  # not stale yet: it might still be working

        # Beat's run after the hard time limit has passed.
        limit = datetime.timedelta(seconds=django_settings.BULLETIN_TIME_LIMIT + 1)
        later = bulletin.started_at + limit
        assert service.requeue_stale(now=later) == [bulletin.pk]
        assert status_of(bulletin.pk) == Bulletin.Status.QUEUED

        workers.append(start_worker_process(broker=broker_url, media=media, log=log))
        wait_for(
            lambda: status_of(bulletin.pk) in (Bulletin.Status.DONE, Bulletin.Status.FAILED),
            timeout=45,
            interval=0.2,
            what="the second worker did not finish the bulletin",
            log=log,
        )
        bulletin.refresh_from_db()
        assert bulletin.status == Bulletin.Status.DONE, bulletin.error
        assert bulletin.attempts == 2
        assert bulletin.pages >= 1
        files = pdf_files(media)
        assert files == [media / bulletin.file.name]
        assert files[0].read_bytes()[:5] == b"%PDF-"
        assert service.requeue_stale(now=later) == []
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
        app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = saved
