"""The quarterly bulletins through a real broker and worker, sent as beat sends them.

Like tests/test_celery_worker.py: with REDIS_URL (CI's second pass) through Redis, without
it through Celery's in-memory broker; never in eager mode. The worker renders real PDFs.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from config.celery import app
from reports.bulletin_runs import schedule_due_period
from reports.models import Bulletin
from tests.helpers import read_beside_worker, running_worker

pytestmark = pytest.mark.celery_worker

BEAT_ENTRY = "build-quarter-bulletins"


@pytest.fixture
def real_worker(transactional_db):
    with running_worker(shutdown_timeout=60):
        yield


def wait_until_built(count: int, timeout: float = 180) -> list[Bulletin]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = read_beside_worker(lambda: list(Bulletin.objects.select_related("organization")))
        if (
            records is not None
            and len(records) == count
            and all(b.status in (Bulletin.Status.DONE, Bulletin.Status.FAILED) for b in records)
        ):
            return records
        time.sleep(0.2)
    raise AssertionError(f"bulletins not built after {timeout} s: {records}")


def test_the_beat_entry_is_daily_and_names_the_task():
    entry = settings.CELERY_BEAT_SCHEDULE[BEAT_ENTRY]
    assert entry["task"] == "reports.tasks.build_quarter_bulletins"
    assert entry["task"] in app.tasks


def test_the_quarterly_task_sent_as_beat_sends_it_stores_pdfs(real_worker, tree):
    entry = settings.CELERY_BEAT_SCHEDULE[BEAT_ENTRY]
    # What beat does: send the task by name with the entry's arguments.
    result = app.send_task(
        entry["task"], args=entry.get("args", ()), kwargs=entry.get("kwargs", {})
    )
    summary = result.get(timeout=60)
    period = schedule_due_period()
    assert summary["period"] == str(period)

    records = wait_until_built(3)
    assert {b.organization.code for b in records} == {"C", "A", "B"}
    for bulletin in records:
        assert bulletin.status == Bulletin.Status.DONE, bulletin.error
        assert bulletin.trigger == Bulletin.Trigger.SCHEDULE
        assert (bulletin.year, bulletin.number) == (period.year, period.number)
        assert bulletin.pages >= 1
        assert bulletin.file.read(5) == b"%PDF-"

    # Beat runs it again the next day: nothing new is built, no second record.
    again = app.send_task(entry["task"]).get(timeout=60)
    assert again["queued"] == []
    assert Bulletin.objects.count() == 3
