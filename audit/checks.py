"""`manage.py check` (and every command, runserver and migrate) refuses a retention
period below the legal minimum."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error

from .retention import MIN_RETENTION_DAYS, retention_problem


def retention_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    problem = retention_problem(settings.AUDIT_RETENTION_DAYS)
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint=f"Set AUDIT_RETENTION_DAYS to {MIN_RETENTION_DAYS} or more (default 365).",
            id="audit.E001",
        )
    ]
