"""An import job goes through a real broker and worker: checked, confirmed, imported.

Like tests/test_celery_worker.py: with REDIS_URL (CI's second pass) through Redis, without
it through Celery's in-memory broker; never in eager mode. A redelivered task (the same job
id sent twice) must not run the job twice.
"""

from __future__ import annotations

import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from core.jobs import job_confirm, job_create
from core.models import ImportJob, ImportJobStatus
from core.tasks import run_import_job
from orgs.models import Organization
from tests.helpers import org_row, read_beside_worker, running_worker, xlsx_bytes

pytestmark = pytest.mark.celery_worker

NEW_CODES = ["A3", "A4", "A5"]


@pytest.fixture
def real_worker(transactional_db):
    with running_worker():
        yield


def wait_for(job: ImportJob, status: str, timeout: float = 60) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        read_beside_worker(job.refresh_from_db)
        if job.status == status:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} is {job.status}, not {status}, after {timeout} s")


def test_a_worker_checks_and_then_imports_a_job(real_worker, bob, tree):
    data = xlsx_bytes([org_row(code, "A") for code in NEW_CODES])
    # Autocommit here: job_create's on_commit sends the task to the broker at once.
    job = job_create(user=bob, kind="orgs", upload=SimpleUploadedFile("村支部.xlsx", data))
    wait_for(job, ImportJobStatus.CHECKED)
    assert job.summary.startswith("试导入")
    assert not Organization.objects.filter(code__in=NEW_CODES).exists()

    # The same id delivered again (acks_late after a lost worker) leaves the job alone.
    assert run_import_job.delay(job.pk).get(timeout=60) == ImportJobStatus.CHECKED
    checked_at = job.finished_at
    job.refresh_from_db()
    assert job.finished_at == checked_at

    stored = job.file.name
    job_confirm(user=bob, job=job)
    wait_for(job, ImportJobStatus.DONE)
    assert Organization.objects.filter(code__in=NEW_CODES).count() == 3
    # No request in the worker: the history user comes from the job.
    assert Organization.objects.get(code="A3").history.latest().history_user == bob
    assert not default_storage.exists(stored)
