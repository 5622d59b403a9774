"""Running progress bulletins: the `Bulletin` records, asked for by a person or by the
schedule, queued, claimed by a worker, built (`reports.bulletin_content`), stored, retried
or failed. The Celery task is queued through the outbox by its registered name, so this
module does not import `reports.tasks` (which imports it).

The rule of the records (see `Bulletin`): one per organisation and period. A person asking
rebuilds it (the file is replaced in place); the schedule keeps a finished bulletin and only
builds a missing, queued or failed one. A record left "running" longer than the task's hard
time limit (a worker killed mid-way) counts as failed: the page says so and it can be asked
for again, and `requeue_stale` (beat, every five minutes) queues it again by itself.

Retries: `generate` is called by the Celery task with `may_retry`; a failure that a retry
can cure (database, storage) puts the record back in the queue with the error visible and
raises `RetryLater`; the last attempt, or a failure no retry can cure (missing font, a
refused resource, a time-out), leaves it FAILED with a Chinese message on the page.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import enqueue
from core.periods import Period
from orgs.choices import OrgLevel
from orgs.models import Organization
from orgs.roles import Role
from orgs.scope import path_allowed

from .bulletin_content import build_bulletin
from .models import Bulletin

logger = logging.getLogger(__name__)

#: who may ask for a bulletin of an organisation: leaders and staff whose scope covers it
GENERATE_ROLES = (Role.LEADER, Role.STAFF)
#: the levels the schedule builds a bulletin for every quarter
SCHEDULED_LEVELS = (OrgLevel.CITY, OrgLevel.COUNTY, OrgLevel.TOWNSHIP)
PENDING = (Bulletin.Status.QUEUED, Bulletin.Status.RUNNING)
ERROR_MAX = 2000
#: the Celery task that builds one record, queued by name (`reports.tasks` registers it)
GENERATE_TASK = "reports.tasks.generate_bulletin"


class RetryLater(Exception):
    """This attempt failed in a way another attempt may not; the record is queued again."""


# ---------------------------------------------------------------- who may, and when


def may_generate(user: Any, org: Organization) -> bool:
    return path_allowed(user, org.path, GENERATE_ROLES)


def is_stale(bulletin: Bulletin, now: datetime.datetime | None = None) -> bool:
    """Running for longer than the task may live: its worker died, nothing will finish it."""
    if bulletin.status != Bulletin.Status.RUNNING or bulletin.started_at is None:
        return False
    now = now or timezone.now()
    return now - bulletin.started_at > datetime.timedelta(seconds=settings.BULLETIN_TIME_LIMIT)


def is_pending(bulletin: Bulletin) -> bool:
    return bulletin.status in PENDING and not is_stale(bulletin)


# ---------------------------------------------------------------- asking for one


def _enqueue(bulletin_id: int) -> None:
    """After commit, through the outbox: with Redis down the bulletin stays 排队中 and is
    built once Redis is back."""
    enqueue(GENERATE_TASK, bulletin_id)


def _queue(bulletin: Bulletin, *, user: Any, trigger: str) -> None:
    bulletin.status = Bulletin.Status.QUEUED
    bulletin.trigger = trigger
    bulletin.requested_by = user
    bulletin.requested_at = timezone.now()
    bulletin.started_at = None
    bulletin.attempts = 0
    bulletin.error = ""
    bulletin._history_user = user  # no request in a task: history needs the actor
    bulletin.save()
    _enqueue(bulletin.pk)


def _get_or_create(org: Organization, period: Period, *, user: Any, trigger: str):
    bulletin, created = Bulletin.objects.select_for_update().get_or_create(
        organization=org,
        period_kind=period.kind,
        year=period.year,
        number=period.number,
        defaults={
            "trigger": trigger,
            "requested_by": user,
            "requested_at": timezone.now(),
        },
    )
    return bulletin, created


def request_bulletin(
    *,
    user: Any,
    org: Organization,
    period: Period,
    trigger: str = Bulletin.Trigger.MANUAL,
) -> Bulletin:
    """Queue the bulletin of `org` for `period` (creating its one record if needed) and
    start building it once the transaction commits. A bulletin already being built is
    left to finish instead of being queued twice."""
    if not may_generate(user, org):
        raise PermissionDenied(_("只有管辖范围包含该组织的领导或组织部工作人员可以生成通报。"))
    if period.first_day > timezone.localdate():
        raise ValidationError(_("%(period)s 尚未开始，不能生成通报。") % {"period": period.label})
    with transaction.atomic():
        bulletin, created = _get_or_create(org, period, user=user, trigger=trigger)
        if created:
            _enqueue(bulletin.pk)
        elif not is_pending(bulletin):
            _queue(bulletin, user=user, trigger=trigger)
    return bulletin


def scheduled_organizations() -> list[Organization]:
    """The county (and city) committees and every township: each gets its bulletin."""
    return list(Organization.objects.filter(level__in=SCHEDULED_LEVELS).order_by("path"))


def scheduled_bulletins(period: Period) -> list[Bulletin]:
    """The schedule's run for `period`: one record per scheduled organisation; a finished
    or running one is kept, a missing, queued or failed one is (re)built. Returns the
    records queued by this run. Running it twice creates nothing more."""
    queued: list[Bulletin] = []
    for org in scheduled_organizations():
        with transaction.atomic():
            bulletin, created = _get_or_create(
                org, period, user=None, trigger=Bulletin.Trigger.SCHEDULE
            )
            if created:
                _enqueue(bulletin.pk)
            elif bulletin.status == Bulletin.Status.FAILED or is_stale(bulletin):
                _queue(bulletin, user=None, trigger=Bulletin.Trigger.SCHEDULE)
            elif bulletin.status == Bulletin.Status.QUEUED:
                # Perhaps lost with a broker restart: send it again. generate() runs a
                # queued record once, so a duplicate message does nothing.
                _enqueue(bulletin.pk)
            else:
                continue  # done, or being built right now
        queued.append(bulletin)
    return queued


def requeue_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Every record left running by a worker that died (older than the task's hard time
    limit: no live worker still has it) goes back to the queue and is sent again through
    the outbox, whatever its organisation, period or trigger. Beat runs this every few
    minutes, so a killed worker costs a delay, not a bulletin. Returns the ids queued.

    Each record is re-read under a row lock and re-checked, in its own transaction: two
    runs at once (or a run racing a worker that claims the record) queue it only once.
    The killed attempt stays counted; after the last allowed attempt the record is left
    FAILED instead, so a bulletin that kills its worker every time (out of memory) is not
    rebuilt for ever, and the page says why."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.BULLETIN_TIME_LIMIT)
    candidates = list(
        Bulletin.objects.filter(status=Bulletin.Status.RUNNING, started_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    requeued: list[int] = []
    for pk in candidates:
        with transaction.atomic():
            bulletin = Bulletin.objects.select_for_update().filter(pk=pk).first()
            if bulletin is None or not is_stale(bulletin, now):
                continue  # finished, re-queued or claimed again meanwhile
            if _requeue_interrupted(bulletin):
                requeued.append(bulletin.pk)
    if requeued:
        logger.warning("Bulletins interrupted by a dead worker, queued again: %s", requeued)
    return requeued


def _requeue_interrupted(bulletin: Bulletin) -> bool:
    """Queue an interrupted record again (True) or, its attempts used up, fail it."""
    attempts_allowed = 1 + settings.BULLETIN_MAX_RETRIES
    bulletin._history_user = None  # the system acts, not the person who asked
    if bulletin.attempts >= attempts_allowed:
        bulletin.status = Bulletin.Status.FAILED
        bulletin.error = _(
            "生成 %(n)d 次均被中断（处理进程停止，可能内存不足），已停止自动重试。"
            "请重新生成或联系管理员。"
        ) % {"n": bulletin.attempts}
        bulletin.save(update_fields=["status", "error"])
        logger.error("Bulletin %s interrupted %s times: failed", bulletin.pk, bulletin.attempts)
        return False
    bulletin.status = Bulletin.Status.QUEUED
    bulletin.started_at = None
    bulletin.error = _("第 %(n)d 次尝试被中断（处理进程停止），已自动重新排队。") % {
        "n": bulletin.attempts
    }
    bulletin.save(update_fields=["status", "started_at", "error"])
    _enqueue(bulletin.pk)
    return True


def schedule_due_period(today: datetime.date | None = None) -> Period:
    """The latest quarter whose bulletins are due: a quarter's are built
    `BULLETIN_DELAY_DAYS` after its lists' deadline (`CHECKLIST_DEADLINE_DAYS` after the
    quarter), so they report lists that had their chance to be submitted."""
    today = today or timezone.localdate()
    period = Period.quarter_of(today).previous
    if today < due_date(period):
        period = period.previous
    return period


def due_date(period: Period) -> datetime.date:
    return period.last_day + datetime.timedelta(
        days=settings.CHECKLIST_DEADLINE_DAYS + settings.BULLETIN_DELAY_DAYS
    )


# ---------------------------------------------------------------- running a record


def _claim(bulletin_id: int) -> Bulletin | None:
    """Mark the record running if it is waiting (or its runner died); None otherwise, so
    a redelivered or duplicate message does nothing."""
    with transaction.atomic():
        bulletin = (
            Bulletin.objects.select_for_update()
            .select_related("organization")
            .filter(pk=bulletin_id)
            .first()
        )
        if bulletin is None:
            return None
        if bulletin.status != Bulletin.Status.QUEUED and not is_stale(bulletin):
            return None
        bulletin.status = Bulletin.Status.RUNNING
        bulletin.started_at = timezone.now()
        bulletin.attempts += 1
        bulletin._history_user = bulletin.requested_by
        bulletin.save(update_fields=["status", "started_at", "attempts"])
    return bulletin


#: where the records' files are stored (`Bulletin.file`'s upload_to, without the year)
BULLETIN_FOLDER = "bulletins"


def file_name(bulletin: Bulletin) -> str:
    return f"bulletin-{bulletin.pk}-{bulletin.period}.pdf"


def download_name(bulletin: Bulletin) -> str:
    return f"{bulletin.organization.name}{bulletin.period.label}进展通报.pdf"


def _store(bulletin: Bulletin, data: bytes, pages: int) -> None:
    """Save the new file, record it, then delete the old one: the record never points at
    a missing file, and the disk keeps one file per bulletin."""
    old_name = bulletin.file.name
    bulletin.file.save(file_name(bulletin), ContentFile(data), save=False)
    try:
        bulletin.status = Bulletin.Status.DONE
        bulletin.pages = pages
        bulletin.generated_at = timezone.now()
        bulletin.error = ""
        bulletin._history_user = bulletin.requested_by
        bulletin.save()
    except Exception:
        bulletin.file.storage.delete(bulletin.file.name)
        raise
    if old_name and old_name != bulletin.file.name:
        bulletin.file.storage.delete(old_name)
    _delete_leftovers(bulletin)


def _delete_leftovers(bulletin: Bulletin) -> None:
    """Delete files of this record that it does not point at: a worker killed between
    saving the file and saving the record leaves one behind (under the year it ran in)."""
    storage = bulletin.file.storage
    folder = BULLETIN_FOLDER
    prefix = f"bulletin-{bulletin.pk}-"
    try:
        years, _files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for year in years:
        for name in storage.listdir(f"{folder}/{year}")[1]:
            path = f"{folder}/{year}/{name}"
            if name.startswith(prefix) and name.endswith(".pdf") and path != bulletin.file.name:
                logger.warning(
                    "Bulletin %s: deleting a file left by an attempt: %s", bulletin.pk, path
                )
                storage.delete(path)


def failure_message(exc: BaseException) -> str:
    from core.pdf import PdfError  # WeasyPrint: loaded by the worker, not by every page

    if isinstance(exc, PdfError):
        return str(exc)
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("生成超时（超过 %(seconds)d 秒），已停止。请缩小通报范围或联系管理员。") % {
            "seconds": settings.BULLETIN_SOFT_TIME_LIMIT
        }
    return _("生成时出错：%(error)s") % {"error": f"{type(exc).__name__}: {exc}"}


def is_curable(exc: BaseException) -> bool:
    """Whether another attempt may succeed: not for a missing font, a refused resource or
    a time-out, which would fail the same way again."""
    from core.pdf import PdfError

    return not isinstance(exc, PdfError | SoftTimeLimitExceeded)


def _record_failure(bulletin: Bulletin, message: str, *, final: bool) -> None:
    if final:
        bulletin.status = Bulletin.Status.FAILED
        bulletin.error = message[:ERROR_MAX]
    else:
        bulletin.status = Bulletin.Status.QUEUED
        bulletin.error = (
            _("第 %(n)d 次尝试失败，稍后自动重试：%(message)s")
            % {"n": bulletin.attempts, "message": message}
        )[:ERROR_MAX]
    bulletin._history_user = bulletin.requested_by
    bulletin.save(update_fields=["status", "error"])


def generate(bulletin_id: int, *, may_retry: bool = False) -> Bulletin | None:
    """Build the PDF of one record: running → done (file, pages, time) or failed with
    the reason. None when the record is gone or not waiting to be built."""
    bulletin = _claim(bulletin_id)
    if bulletin is None:
        return None
    try:
        data, pages = build_bulletin(org=bulletin.organization, period=bulletin.period)
        _store(bulletin, data, pages)
    except Exception as exc:
        retry = may_retry and is_curable(exc)
        logger.exception(
            "Bulletin %s (%s) failed, attempt %s%s",
            bulletin.pk,
            bulletin,
            bulletin.attempts,
            ", will retry" if retry else "",
        )
        _record_failure(bulletin, failure_message(exc), final=not retry)
        if retry:
            raise RetryLater(str(exc)) from exc
    return bulletin
