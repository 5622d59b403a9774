"""Redis down, for real: a Redis server of the test's own is started, the portal pointed at
it (cache and broker), then the server is stopped. Every page still answers, queued work
waits in the outbox where county staff see it, and when Redis is back a real worker runs
it. Needs Debian's redis-server (CI installs it); on a machine without it the test says
so and is skipped, except under CI where that is a failure."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from config.celery import app
from core.models import OutboxTask
from core.outbox import drain, enqueue
from core.tasks import clean_duplicate_history
from orgs.models import Organization
from tests.helpers import running_worker

pytestmark = pytest.mark.celery_worker

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def own_redis():
    if not os.path.exists(REDIS):
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: CI must install Debian's redis-server")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    state = {"port": port, "process": start_redis(port)}
    url = f"redis://127.0.0.1:{port}/0"
    cache = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    saved = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = url, url, False
    try:
        with override_settings(CACHES=cache):
            caches._settings = None  # rebuild the cache handler from the overridden setting
            yield state
    finally:
        app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = saved
        caches._settings = None
        # The test may have replaced the server (stopped, then started again): stop the
        # one running now, never leave it behind.
        if state["process"].poll() is None:
            stop(state["process"])


def test_pages_work_and_work_waits_while_redis_is_down(
    transactional_db, own_redis, client, tree, alice
):
    caches["default"].set("probe", 1)
    assert caches["default"].get("probe") == 1  # the portal really uses this Redis
    stop(own_redis["process"])

    client.force_login(alice)
    for url in ("/", "/orgs/", "/members/", "/health/", "/checklists/review/", "/admin/"):
        assert client.get(url).status_code == 200, url

    org = Organization.objects.get(code="A1")
    for _ in range(2):
        org.save()  # a duplicate history row for the task to clean
    started = time.monotonic()
    row = enqueue(clean_duplicate_history)
    assert time.monotonic() - started < 2.0
    row.refresh_from_db()
    assert row.status == OutboxTask.Status.PENDING

    page = client.get("/admin/core/outboxtask/").content.decode()
    assert "core.tasks.clean_duplicate_history" in page
    assert "待发送" in page

    # Redis is back: the drain (beat's job) sends it and a real worker runs it.
    own_redis["process"] = start_redis(own_redis["port"])
    assert org.history.count() == 3
    with running_worker():
        assert drain(min_age_seconds=0) == 1
        deadline = time.monotonic() + 30
        while org.history.count() > 1 and time.monotonic() < deadline:
            time.sleep(0.2)
    assert org.history.count() == 1
    row.refresh_from_db()
    assert row.status == OutboxTask.Status.SENT


def test_clearing_the_cache_keeps_the_brokers_keys(own_redis):
    import redis

    client = redis.Redis(port=own_redis["port"])
    client.set("celery-task-meta-1", "queued work")  # what the broker keeps in the same db
    cache = caches["default"]
    cache.set("figures", 1)
    assert cache.get("figures") == 1
    cache.clear()
    assert cache.get("figures") is None
    assert client.get("celery-task-meta-1") == b"queued work"
