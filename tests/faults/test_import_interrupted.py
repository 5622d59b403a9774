"""An import interrupted half-way leaves nothing behind: the whole file is one transaction,
so a time limit, a crash or Ctrl-C at row 50 of 100 writes no member and no history row."""

from __future__ import annotations

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from core import jobs
from core.jobs import job_confirm, job_create, job_run
from core.models import ImportJob, ImportJobStatus
from members.models import Member
from tests.helpers import MEMBER_HEADERS, member_row, xlsx_bytes

ROWS = 100


def roster() -> bytes:
    return xlsx_bytes([member_row("A1", seq=i) for i in range(ROWS)], MEMBER_HEADERS)


def interrupt_at_row(monkeypatch, n: int, error: BaseException) -> None:
    """Make the per-row hook of the import raise `error` at row `n`."""
    count_rows = jobs._count_rows

    def counting(resource, job_id, total):
        count_rows(resource, job_id, total)
        import_row = resource.import_row
        seen = {"rows": 0}

        def import_row_then_fail(row, instance_loader, **kwargs):
            seen["rows"] += 1
            if seen["rows"] == n:
                raise error
            return import_row(row, instance_loader, **kwargs)

        resource.import_row = import_row_then_fail

    monkeypatch.setattr(jobs, "_count_rows", counting)


def checked_job(bob) -> ImportJob:
    job = job_create(user=bob, kind="members", upload=SimpleUploadedFile("名册.xlsx", roster()))
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED
    return job_confirm(user=bob, job=job)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (SoftTimeLimitExceeded(), "导入超时，数据库未作任何修改"),
        (RuntimeError("the worker's database connection dropped"), "内部错误，数据库未作任何修改"),
    ],
)
def test_a_background_import_stopped_half_way_writes_nothing(
    bob, tree, monkeypatch, error, message
):
    job = checked_job(bob)
    history_before = Member.history.count()
    interrupt_at_row(monkeypatch, ROWS // 2, error)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert message in job.summary
    assert Member.objects.count() == 0
    assert Member.history.count() == history_before


def test_a_command_import_stopped_half_way_writes_nothing(bob, tree, monkeypatch, tmp_path):
    from members.resources.roster import MemberResource

    path = tmp_path / "名册.xlsx"
    path.write_bytes(roster())
    import_row = MemberResource.import_row
    seen = {"rows": 0}

    def import_row_then_interrupt(self, row, instance_loader, **kwargs):
        seen["rows"] += 1
        if seen["rows"] == ROWS // 2:
            raise KeyboardInterrupt  # Ctrl-C in the terminal
        return import_row(self, row, instance_loader, **kwargs)

    monkeypatch.setattr(MemberResource, "import_row", import_row_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        call_command("import_data", "members", str(path))
    assert seen["rows"] == ROWS // 2
    assert Member.objects.count() == 0
    assert Member.history.count() == 0
