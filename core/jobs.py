"""Large imports as background jobs: check the file, show progress, import on confirm.

A job goes queued → running → checked (a dry run without errors) → [confirm] → queued →
running → done; any run with errors ends in failed, with nothing written. Both runs read the
same stored file and call the same `run_import` as the admin's preview and `import_data`.

The import runs inside one database transaction, so its progress cannot be read from the job
row while it runs: it is published through Django's cache instead (shared between the web
processes and the workers when REDIS_URL is set).

The uploaded file holds personal data: it lives under MEDIA_ROOT only while a run still
needs it and is deleted as soon as the job is done or failed (the row stays as the record).
"""

from __future__ import annotations

import datetime
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .importing import ImportReport, run_import
from .models import ImportJob, ImportJobStatus
from .outbox import enqueue
from .registry import get_kind, kind_names
from .tables import TableReadError, read_table
from .uploads import clean_file_name

logger = logging.getLogger(__name__)

#: rows between two progress updates: frequent enough for a bar, cheap for the cache
PROGRESS_EVERY = 500
#: errors kept on the job row; error_count has the full number
MAX_STORED_ERRORS = 1000
#: a progress entry outlives any run (CELERY_TASK_TIME_LIMIT is 30 minutes)
PROGRESS_TIMEOUT = 60 * 60
#: a checked job nobody confirms loses its file after this long
UNCONFIRMED_FILE_HOURS = 24
#: the Celery task that runs a job (core/tasks.py), named so that this module needs no
#: import of the tasks, which import it
RUN_IMPORT_JOB = "core.tasks.run_import_job"


def kind_of_resource(resource_class: type) -> str | None:
    """The registered data-dictionary table imported with `resource_class`."""
    name = getattr(resource_class, "table", "")
    return name if name in kind_names() else None


# --- row counting (the admin decides between the preview and a job) ---------------------


def count_data_rows(data: bytes, filename: str) -> int | None:
    """Non-empty rows below the first non-blank row (the header, or a title above it), or
    None when the file cannot be read as a table (the admin's preview then reports it)."""
    try:
        # read_table checks the limits first: a zip bomb is never inflated to count rows.
        dataset = read_table(data, filename)
    except TableReadError:
        return None
    return sum(1 for row in dataset if any(value is not None for value in row))


# --- progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    #: seconds since the rows started to be processed
    elapsed: float = 0.0

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def rows_per_second(self) -> int | None:
        """None until there is something to measure."""
        if self.done <= 0 or self.elapsed <= 0:
            return None
        return max(1, round(self.done / self.elapsed))

    @property
    def seconds_left(self) -> int | None:
        rate = self.rows_per_second
        if rate is None or self.done >= self.total:
            return None
        return max(1, math.ceil((self.total - self.done) / rate))

    @property
    def time_left(self) -> str:
        seconds = self.seconds_left
        if seconds is None:
            return ""
        if seconds < 60:
            return _("约 %(n)d 秒") % {"n": seconds}
        return _("约 %(n)d 分钟") % {"n": math.ceil(seconds / 60)}


def _progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


def _publish_progress(job_id: int, done: int, total: int) -> None:
    """(done, total, when the rows started): the page derives the pace and time left."""
    started = time.time()
    if done:
        previous = cache.get(_progress_key(job_id))
        if previous is not None and len(previous) == 3:
            started = previous[2]
    cache.set(_progress_key(job_id), (done, total, started), PROGRESS_TIMEOUT)


def job_progress(job: ImportJob) -> Progress | None:
    """Rows processed so far by the job's current run; None before the file has been read."""
    if job.status not in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING):
        return None
    value = cache.get(_progress_key(job.pk))
    if value is None:
        return None
    done, total, *started = value  # entries written before the pace was kept have two
    started = started[0] if started else time.time()
    return Progress(done=done, total=total, elapsed=max(0.0, time.time() - started))


def _count_rows(resource: Any, job_id: int, total: int) -> None:
    """Publish progress from the resource's per-row hook, without subclassing each kind's
    resource: the bound method is wrapped on this one instance only."""
    import_row = resource.import_row
    counter = {"done": 0}

    def counting_import_row(row, instance_loader, **kwargs):
        result = import_row(row, instance_loader, **kwargs)
        counter["done"] += 1
        if counter["done"] % PROGRESS_EVERY == 0:
            _publish_progress(job_id, counter["done"], total)
        return result

    resource.import_row = counting_import_row


# --- services -------------------------------------------------------------------------------


def _enqueue(job: ImportJob) -> None:
    # Sent after commit: a worker must find the row (and the file) when it starts.
    enqueue(RUN_IMPORT_JOB, job.pk)


def job_create(*, user: Any, kind: str, upload: Any) -> ImportJob:
    """Store an uploaded file as a job of `kind` and queue its check run."""
    if kind not in kind_names():
        raise ValidationError(_("未知的数据表：%(kind)s。") % {"kind": kind})
    if not get_kind(kind).resource.may_import(user):
        raise PermissionDenied(_("只有组织部工作人员可以导入数据。"))
    original_name = clean_file_name(getattr(upload, "name", ""))
    if hasattr(upload, "seek"):
        upload.seek(0)  # the admin has already read it to count the rows
    job = ImportJob(kind=kind, user=user, original_name=original_name)
    job.file.save(original_name, upload, save=False)
    job.save()
    _enqueue(job)
    return job


def job_confirm(*, user: Any, job: ImportJob) -> ImportJob:
    """Start the real import of a checked job's file, under the uploader's scope."""
    if job.user_id != user.pk or not get_kind(job.kind).resource.may_import(user):
        raise PermissionDenied(_("只有上传该文件的工作人员可以确认导入。"))
    with transaction.atomic():
        claimed = ImportJob.objects.filter(
            pk=job.pk, status=ImportJobStatus.CHECKED, dry_run=True
        ).update(
            status=ImportJobStatus.QUEUED,
            dry_run=False,
            summary="",
            errors=[],
            error_count=0,
            finished_at=None,
        )
        if not claimed:
            # Confirmed twice (double click, second tab) or not checked: nothing to start.
            raise ValidationError(_("该导入任务不处于“检查通过，待确认”状态，不能确认导入。"))
        job.refresh_from_db()
        _publish_progress(job.pk, 0, job.total_rows)
        _enqueue(job)
    return job


def _finish(job: ImportJob, status: str, summary: str, errors: list[dict]) -> None:
    job.status = status
    job.summary = summary[:300]
    job.errors = errors[:MAX_STORED_ERRORS]
    job.error_count = len(errors)
    job.finished_at = timezone.now()
    fields = ["status", "summary", "errors", "error_count", "total_rows", "finished_at"]
    if status in (ImportJobStatus.DONE, ImportJobStatus.FAILED) and job.file:
        # Personal data must not linger: the row is the record, the file goes — before the
        # status says the job is over, so that nobody sees a finished job with its file.
        job.file.delete(save=False)
        fields.append("file")
    job.save(update_fields=fields)
    cache.delete(_progress_key(job.pk))


def _delete_file(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _report_errors(report: ImportReport) -> list[dict]:
    return [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors]


def _read_file(job: ImportJob) -> bytes:
    if not job.file or not job.file.storage.exists(job.file.name):
        raise FileNotFoundError(job.file.name)
    with job.file.open("rb") as handle:
        return handle.read()


def job_run(job_id: int) -> ImportJob | None:
    """Run a queued job once; a job in any other state is left as it is (idempotent)."""
    # Claiming with a conditional UPDATE lets exactly one worker run a redelivered task.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
        status=ImportJobStatus.RUNNING
    )
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    try:
        data = _read_file(job)
    except FileNotFoundError:
        _finish(job, ImportJobStatus.FAILED, _("上传的文件已不存在，请重新上传。"), [])
        return job
    try:
        dataset = read_table(data, job.original_name)
        job.total_rows = len(dataset)
        _publish_progress(job.pk, 0, job.total_rows)
        resource = get_kind(job.kind).resource(user=job.user, source=job.original_name)
        _count_rows(resource, job.pk, job.total_rows)
        report = run_import(resource, dataset, dry_run=job.dry_run)
    except TableReadError as exc:
        _finish(job, ImportJobStatus.FAILED, str(exc), [])
    except SoftTimeLimitExceeded:
        # The import's transaction has been rolled back: nothing was written.
        _finish(
            job, ImportJobStatus.FAILED, _("导入超时，数据库未作任何修改。请拆分文件后重试。"), []
        )
    except Exception:
        # Record the failure on the job instead of leaving it "running" for ever.
        logger.exception("import job %s failed", job.pk)
        _finish(job, ImportJobStatus.FAILED, _("导入时发生内部错误，数据库未作任何修改。"), [])
    else:
        if not report.ok:
            status = ImportJobStatus.FAILED
        elif job.dry_run:
            status = ImportJobStatus.CHECKED
        else:
            status = ImportJobStatus.DONE
        _finish(job, status, report.summary(), _report_errors(report))
    return job


def job_purge_unconfirmed(*, hours: int = UNCONFIRMED_FILE_HOURS) -> int:
    """Delete the files of checked jobs nobody confirmed within `hours`; returns how many."""
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    stale = ImportJob.objects.filter(
        status=ImportJobStatus.CHECKED, finished_at__lt=cutoff
    ).exclude(file="")
    count = 0
    for job in stale:
        _delete_file(job)
        ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.CHECKED).update(
            status=ImportJobStatus.FAILED,
            summary=_("超过 %(hours)d 小时未确认，文件已删除，未导入。请重新上传。")
            % {"hours": hours},
        )
        count += 1
    return count
