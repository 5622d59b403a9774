"""A real Celery worker runs a real task.

With REDIS_URL (CI's second pass) the worker consumes from the real Redis broker; without
it, from Celery's in-memory broker. Either way the task goes through a broker and a worker,
not through eager mode.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from config.celery import app
from core.tasks import clean_duplicate_history
from orgs.models import Organization
from tests.helpers import running_worker

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def real_worker(transactional_db):
    with running_worker():
        yield


def test_the_broker_is_redis_when_configured():
    if settings.REDIS_URL:
        assert app.conf.broker_url.startswith("redis://")
        assert not app.conf.task_always_eager
    else:
        assert app.conf.task_always_eager  # the embedded default runs tasks in-process


def test_a_worker_cleans_duplicate_history(real_worker, tree):
    org = Organization.objects.get(code="A1")
    for _ in range(3):
        org.save()  # simple-history writes a row each time, even without a change
    before = org.history.count()
    assert before == 4
    result = clean_duplicate_history.delay()
    result.get(timeout=60)
    assert org.history.count() == 1
