"""Handing work to the worker: nothing is sent for a rolled-back transaction, a broker
that is down or silent never holds a request for more than about 2 seconds, and what
could not be sent waits in the outbox until `drain_outbox` sends it."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import transaction

from config.celery import app
from core.models import OutboxTask
from core.outbox import drain, enqueue, send
from core.tasks import clean_duplicate_history


@contextmanager
def broker(url: str):
    """Point the Celery app at another broker, not eager, for the block."""
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved


@contextmanager
def silent_server():
    """A TCP port that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


@pytest.fixture
def eager():
    """The embedded default, whatever REDIS_URL says."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_rolled_back_transaction_enqueues_nothing(transactional_db, eager, monkeypatch):
    ran = []
    monkeypatch.setattr(clean_duplicate_history, "run", lambda *a, **k: ran.append(a))

    def failing_view():
        with transaction.atomic():
            enqueue(clean_duplicate_history, 5)
            raise RuntimeError("the view failed")

    with pytest.raises(RuntimeError):
        failing_view()
    assert not OutboxTask.objects.exists()
    assert ran == []


def test_eager_mode_runs_the_task_after_commit(transactional_db, eager, monkeypatch):
    ran = []
    monkeypatch.setattr(clean_duplicate_history, "run", lambda *a, **k: ran.append(a))
    with transaction.atomic():
        row = enqueue(clean_duplicate_history, 5)
        assert ran == []  # not before the commit
    assert ran == [(5,)]
    row.refresh_from_db()
    assert row.status == OutboxTask.Status.SENT


@pytest.mark.parametrize("down", ["refused", "silent"])
def test_a_broker_that_is_down_costs_at_most_about_two_seconds(transactional_db, down):
    with silent_server() as silent_port:
        port = silent_port if down == "silent" else free_port()
        with broker(f"redis://127.0.0.1:{port}/0"):
            started = time.monotonic()
            row = enqueue(clean_duplicate_history, 5)  # autocommit: sent at once
            elapsed = time.monotonic() - started
    assert elapsed < 2.0
    row.refresh_from_db()
    assert row.status == OutboxTask.Status.PENDING
    assert row.attempts == 1
    assert row.last_error


def test_drain_sends_what_is_pending_once_the_broker_is_back(transactional_db, eager, monkeypatch):
    with broker(f"redis://127.0.0.1:{free_port()}/0"):
        first = enqueue(clean_duplicate_history, 1)
        second = enqueue(clean_duplicate_history, 2)
        assert drain(min_age_seconds=0) == 0  # still down: stops at the first failure
    assert OutboxTask.objects.filter(status=OutboxTask.Status.PENDING).count() == 2
    ran = []
    monkeypatch.setattr(clean_duplicate_history, "run", lambda *a, **k: ran.append(a))
    assert drain(min_age_seconds=0) == 2  # eager again: "the broker is back"
    assert ran == [(1,), (2,)]
    assert drain(min_age_seconds=0) == 0  # never twice
    assert not send(first.pk)
    assert {r.status for r in OutboxTask.objects.filter(pk__in=[first.pk, second.pk])} == {"sent"}
