"""A task queued by its name runs in a fresh web process, where nothing has imported the
module that defines it (import jobs and bulletins queue their tasks by name)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import django
django.setup()
from django.db import connection
from django.core.management import call_command
call_command("migrate", verbosity=0)
from celery import current_app
from core.outbox import enqueue
assert "core.tasks.drain_outbox" not in current_app.tasks, "already imported"
from core.models import OutboxTask
row = enqueue("core.tasks.drain_outbox")  # outside a transaction: sent at once
print(OutboxTask.objects.get(pk=row.pk).status)
"""


def test_a_task_queued_by_name_runs_in_a_fresh_process(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "REDIS_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("sent")
