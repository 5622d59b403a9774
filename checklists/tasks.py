"""Celery tasks of the responsibility lists: thin wrappers around the services."""

from __future__ import annotations

import logging
import uuid

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from core.notifications import notify
from core.outbox import enqueue
from core.periods import Quarter
from orgs.models import Organization
from orgs.roles import Role
from orgs.scope import path_allowed

from .issuing import IssueResult, issue_checklists, issue_current_quarter, result_text
from .reminders import send_reminders

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def issue_quarter_checklists() -> dict[str, int | list[str]]:
    """First day of each quarter (beat): issue the quarter's lists. Idempotent, so a
    redelivered or repeated run creates nothing new. A level whose templates all miss 100
    points issues nothing: logged as a warning and returned."""
    result = issue_current_quarter()
    for template in result.invalid_templates:
        logger.warning(
            "checklists %s: template %s (pk %s) does not total 100 points; "
            "no lists issued at its level",
            result.quarter,
            template,
            template.pk,
        )
    return {
        "created": len(result.created),
        "existing": result.existing,
        "without_secretary": len(result.without_secretary),
        "invalid_templates": [str(t) for t in result.invalid_templates],
    }


@shared_task(acks_late=True)
def issue_checklists_for_user(
    quarter: str, org_ids: list[int] | None, user_id: int, run_id: str
) -> dict[str, int | list[str]]:
    """The staff button: issue `quarter`'s lists for the subtrees `org_ids` (None: the
    whole portal, a superuser's button) as the user who pressed it, and tell them the
    result in the bell. The user's staff scope is checked again here: the task may run
    long after the click. Idempotent: a redelivered run creates nothing new and, under
    the same `run_id`, does not tell the user twice."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return {"created": 0, "existing": 0, "without_secretary": 0, "invalid_templates": []}
    period = Quarter.parse(quarter)
    tops: list[Organization | None]
    if org_ids is None:
        tops = [None] if user.is_superuser else []
    else:
        tops = [
            org
            for org in Organization.objects.filter(pk__in=org_ids).order_by("path")
            if path_allowed(user, org.path, (Role.STAFF,))
        ]
    results: list[IssueResult] = [
        issue_checklists(quarter=period, org=top, user=user) for top in tops
    ] or [IssueResult(quarter=period)]
    notify(
        user=user,
        text=result_text(results),
        url=f"{reverse('checklists:review_list')}?year={period.year}&quarter={period.number}",
        event_key=f"checklists-issued:{period}:{run_id}",
    )
    return {
        "created": sum(len(r.created) for r in results),
        "existing": sum(r.existing for r in results),
        "without_secretary": sum(len(r.without_secretary) for r in results),
        "invalid_templates": sorted({str(t) for r in results for t in r.invalid_templates}),
    }


def enqueue_issue(*, quarter: Quarter, tops: list[Organization | None], user_id: int) -> None:
    """Start issuing once the caller's transaction commits (at once outside one), through
    the outbox: with Redis down it starts when Redis is back. With the embedded default
    (no REDIS_URL) the task runs eagerly, in this process."""
    org_ids = None if tops == [None] else [top.pk for top in tops if top is not None]
    run_id = uuid.uuid4().hex
    enqueue(issue_checklists_for_user, str(quarter), org_ids, user_id, run_id)


@shared_task(acks_late=True)
def send_checklist_reminders() -> dict[str, int]:
    """Daily (beat): the lists' reminders. Idempotent, so a redelivered run notifies
    nobody twice."""
    return send_reminders(today=timezone.localdate()).created
