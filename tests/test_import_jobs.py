"""Large imports from the admin run as background jobs: checked, shown, confirmed, imported.

Celery runs eagerly here (no REDIS_URL), so a job's task runs when the upload's transaction
commits; `django_capture_on_commit_callbacks(execute=True)` stands for that commit.
tests/test_import_job_worker.py runs the same task through a real worker.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from core import jobs
from core.jobs import job_confirm, job_create, job_purge_unconfirmed, job_run
from core.models import ImportJob, ImportJobStatus
from core.tasks import run_import_job
from members.models import Member
from orgs.models import Organization
from tests.helpers import MEMBER_HEADERS, csv_bytes, member_row, org_row, xlsx_bytes

IMPORT_URL = reverse("admin:orgs_organization_import")
NEW_CODES = ["A3", "A4", "A5", "A6", "A7"]
CONFIRM_BUTTON = 'value="确认导入"'


def job_url(job: ImportJob) -> str:
    return reverse("admin:orgs_organization_import_job", args=[job.pk])


def confirm_url(job: ImportJob) -> str:
    return reverse("admin:orgs_organization_import_job_confirm", args=[job.pk])


def new_branches(**overrides) -> bytes:
    return xlsx_bytes([org_row(code, "A", **overrides) for code in NEW_CODES])


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.IMPORT_ASYNC_ROWS = 3


@pytest.fixture(autouse=True)
def eager_tasks():
    """These tests are about the services and pages; CI's Redis pass turns eager mode off
    for the whole suite, so turn it back on here (the worker test covers the plumbing)."""
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = django_settings.CELERY_TASK_ALWAYS_EAGER


def upload(client, data: bytes, name: str = "新建村支部.xlsx", fmt: str = "0"):
    return client.post(IMPORT_URL, {"format": fmt, "import_file": SimpleUploadedFile(name, data)})


def upload_as_job(client, capture, data: bytes, name: str = "新建村支部.xlsx") -> ImportJob:
    with capture(execute=True):
        response = upload(client, data, name)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    job.refresh_from_db()
    return job


def test_a_large_file_is_checked_in_the_background_and_imported_on_confirm(
    client, bob, tree, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    job = upload_as_job(client, django_capture_on_commit_callbacks, new_branches())

    # The check ran, nothing was written, and the uploaded file waits for the confirmation.
    assert job.status == ImportJobStatus.CHECKED
    assert (job.kind, job.user, job.dry_run, job.total_rows) == ("orgs", bob, True, 5)
    assert job.original_name == "新建村支部.xlsx"
    assert job.file.name.startswith("imports/")
    assert default_storage.exists(job.file.name)
    assert not Organization.objects.filter(code__in=NEW_CODES).exists()

    page = client.get(job_url(job))
    html = page.content.decode()
    assert page.status_code == 200
    assert "检查通过，待确认" in html
    assert "试导入（未写入）：共 5 行，新增 5" in html
    assert CONFIRM_BUTTON in html
    assert "csrfmiddlewaretoken" in html
    assert 'http-equiv="refresh"' not in html  # finished: no more refreshing

    stored_file = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(job))
    assert response.status_code == 302
    assert response["Location"] == job_url(job)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert job.dry_run is False
    assert job.finished_at is not None
    assert set(Organization.objects.filter(code__in=NEW_CODES).values_list("code", flat=True)) == {
        *NEW_CODES
    }
    # The history names the uploader although the task ran without a request.
    assert Organization.objects.get(code="A3").history.latest().history_user == bob
    assert all(not ids for ids in Organization.objects.find_problems())
    # The row stays as the record; the file with its data is gone.
    assert not job.file
    assert not default_storage.exists(stored_file)

    done = client.get(job_url(job)).content.decode()
    assert "导入完成：共 5 行，新增 5" in done
    assert CONFIRM_BUTTON not in done


def test_a_small_file_keeps_the_preview_in_the_request(client, bob, tree):
    client.force_login(bob)
    data = xlsx_bytes([org_row(code, "A") for code in NEW_CODES[:3]])  # = the threshold
    response = upload(client, data)
    assert response.status_code == 200
    assert "confirm_form" in response.context
    assert not ImportJob.objects.exists()


def test_a_large_csv_becomes_a_job_too(client, bob, tree, django_capture_on_commit_callbacks):
    client.force_login(bob)
    data = csv_bytes([org_row(code, "A") for code in NEW_CODES])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, data, name="orgs.csv", fmt="1")
    job = ImportJob.objects.get()
    assert response["Location"] == job_url(job)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED
    assert job.total_rows == 5


def test_a_bad_file_fails_with_its_row_errors_and_changes_nothing(
    client, bob, tree, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    organisations = Organization.objects.count()
    data = xlsx_bytes(
        [
            org_row("A3", "A", 行政层级="县级"),
            org_row("A4", "A"),
            org_row("A5", "A", 组织类别="支部"),
            org_row("A6", "A"),
        ]
    )
    job = upload_as_job(client, django_capture_on_commit_callbacks, data, "有错误.xlsx")

    assert job.status == ImportJobStatus.FAILED
    assert job.error_count == 2
    assert {(e["row"], e["column"]) for e in job.errors} == {(2, "行政层级"), (4, "组织类别")}
    assert Organization.objects.count() == organisations
    assert not job.file  # nothing to confirm: the file is deleted at once

    html = client.get(job_url(job)).content.decode()
    assert "有错误，未导入" in html
    assert "第2行 [行政层级]" in html
    assert "第4行 [组织类别]" in html
    assert CONFIRM_BUTTON not in html

    # A failed job cannot be confirmed by posting anyway.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(job), follow=True)
    assert "不能确认导入" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert Organization.objects.count() == organisations


def test_a_file_out_of_the_uploaders_scope_fails_at_the_check(
    client, bob, tree, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    data = xlsx_bytes([org_row(code, "B") for code in NEW_CODES])  # township B is not Bob's
    job = upload_as_job(client, django_capture_on_commit_callbacks, data)
    assert job.status == ImportJobStatus.FAILED
    assert job.error_count == 5
    assert {e["column"] for e in job.errors} == {"上级组织代码"}
    assert not Organization.objects.filter(code__in=NEW_CODES).exists()


def test_errors_beyond_the_cap_are_counted_and_the_page_says_so(
    client, bob, tree, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(jobs, "MAX_STORED_ERRORS", 2)
    client.force_login(bob)
    job = upload_as_job(client, django_capture_on_commit_callbacks, new_branches(组织类别="支部"))
    assert job.error_count == 5
    assert len(job.errors) == 2
    html = client.get(job_url(job)).content.decode()
    assert "共 5 处错误" in html
    assert "只保存并列出前 2 处" in html
    assert html.count("[组织类别]") == 2


def test_the_errors_of_a_job_are_paginated(client, bob, tree, monkeypatch):
    monkeypatch.setattr("core.admin.JOB_ERRORS_PER_PAGE", 2)
    errors = [{"row": n, "column": "组织名称", "message": f"错误{n}"} for n in range(2, 7)]
    job = ImportJob.objects.create(
        kind="orgs",
        user=bob,
        original_name="o.xlsx",
        status=ImportJobStatus.FAILED,
        errors=errors,
        error_count=5,
        summary="导入失败：共 5 处错误，数据库未作任何修改。",
    )
    client.force_login(bob)
    first = client.get(job_url(job)).content.decode()
    assert "第2行 [组织名称] 错误2" in first
    assert "第4行" not in first
    assert "第 1 / 3 页" in first
    last = client.get(job_url(job), {"page": 3}).content.decode()
    assert "第6行 [组织名称] 错误6" in last
    assert "第2行" not in last


def test_a_running_job_shows_its_progress_and_refreshes_itself(client, bob, tree):
    job = ImportJob.objects.create(
        kind="orgs", user=bob, original_name="o.xlsx", status=ImportJobStatus.RUNNING
    )
    client.force_login(bob)
    cache.delete(jobs._progress_key(job.pk))  # ids are reused between tests

    reading = client.get(job_url(job)).content.decode()
    assert 'http-equiv="refresh" content="2"' in reading
    assert "正在读取文件" in reading
    assert "<progress" in reading

    jobs._publish_progress(job.pk, 1500, 6000)
    html = client.get(job_url(job)).content.decode()
    assert 'max="6000" value="1500"' in html
    assert "已处理 1500 / 6000 行（25%）" in html
    assert CONFIRM_BUTTON not in html
    cache.delete(jobs._progress_key(job.pk))


def test_progress_is_published_every_few_hundred_rows(bob, tree, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 2)
    published = []
    original = jobs._publish_progress
    monkeypatch.setattr(
        jobs, "_publish_progress", lambda *args: (published.append(args), original(*args))
    )
    job = job_create(
        user=bob, kind="orgs", upload=SimpleUploadedFile("o.xlsx", new_branches())
    )  # no commit in this test: the task is not started by job_create here
    job_run(job.pk)
    assert published == [(job.pk, 0, 5), (job.pk, 2, 5), (job.pk, 4, 5)]
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED
    assert jobs.job_progress(job) is None  # finished jobs have no progress entry


def test_another_staff_member_gets_404_on_the_job(
    client, bob, alice, charlie, tree, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    job = upload_as_job(client, django_capture_on_commit_callbacks, new_branches())

    for outsider in (charlie, alice):  # even Bob's county superior: a job is its uploader's
        client.force_login(outsider)
        assert client.get(job_url(job)).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(confirm_url(job)).status_code == 404
        page = client.get(IMPORT_URL)
        assert page.context["import_jobs"] == []
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED
    assert not Organization.objects.filter(code__in=NEW_CODES).exists()
    with pytest.raises(PermissionDenied):
        job_confirm(user=alice, job=job)


def test_a_job_is_only_found_under_its_own_table(client, bob, tree):
    job = ImportJob.objects.create(kind="members", user=bob, original_name="m.xlsx")
    client.force_login(bob)
    assert client.get(job_url(job)).status_code == 404


def test_a_non_staff_user_cannot_create_a_job(
    client, sam, tree, django_capture_on_commit_callbacks
):
    client.force_login(sam)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, new_branches())
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")  # the admin refuses Sam
    assert not ImportJob.objects.exists()
    with pytest.raises(PermissionDenied):
        job_create(user=sam, kind="orgs", upload=SimpleUploadedFile("o.xlsx", new_branches()))
    assert not ImportJob.objects.exists()


def test_re_running_a_finished_job_does_nothing(
    client, bob, tree, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    job = upload_as_job(client, django_capture_on_commit_callbacks, new_branches())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url(job))
    job.refresh_from_db()
    finished = (job.status, job.summary, job.finished_at, job.dry_run)
    history = Organization.history.count()

    assert run_import_job.delay(job.pk).get() == ImportJobStatus.DONE
    job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.summary, job.finished_at, job.dry_run) == finished
    assert Organization.history.count() == history
    assert Organization.objects.filter(code__in=NEW_CODES).count() == 5

    # Confirming again (a double click) starts nothing either.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(job), follow=True)
    assert "不能确认导入" in response.content.decode()
    assert Organization.history.count() == history


def test_a_checked_job_is_not_checked_again_by_a_redelivered_task(
    bob, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(user=bob, kind="orgs", upload=SimpleUploadedFile("o.xlsx", new_branches()))
    job.refresh_from_db()
    checked_at = job.finished_at
    assert job.status == ImportJobStatus.CHECKED
    job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.finished_at, job.dry_run) == (ImportJobStatus.CHECKED, checked_at, True)
    assert not Organization.objects.filter(code__in=NEW_CODES).exists()


def test_a_confirm_that_meets_changed_data_fails_and_writes_nothing(
    bob, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(user=bob, kind="orgs", upload=SimpleUploadedFile("o.xlsx", new_branches()))
    job.refresh_from_db()
    Organization.objects.filter(code="A").update(name="甲镇党委")  # unrelated, harmless
    make_conflict = Organization.objects.get(code="A2")
    make_conflict.delete()  # meanwhile someone deletes village A2 …
    data = xlsx_bytes([org_row(code, "A2") for code in NEW_CODES])
    job.file.save("o.xlsx", SimpleUploadedFile("o.xlsx", data))  # … that the file relies on
    with django_capture_on_commit_callbacks(execute=True):
        job_confirm(user=bob, job=job)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert job.dry_run is False
    assert job.error_count == 5
    assert not Organization.objects.filter(code__in=NEW_CODES).exists()
    assert not job.file


def test_an_unreadable_stored_file_fails_the_job(bob, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(user=bob, kind="orgs", upload=SimpleUploadedFile("o.xlsx", b"not a zip"))
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert "无法读取该 Excel 文件" in job.summary
    assert not job.file


def test_the_import_page_lists_the_users_recent_jobs(
    client, bob, charlie, tree, django_assert_max_num_queries
):
    for name in ("一.xlsx", "二.xlsx"):
        ImportJob.objects.create(kind="orgs", user=bob, original_name=name)
    ImportJob.objects.create(kind="orgs", user=charlie, original_name="乙镇.xlsx")
    ImportJob.objects.create(kind="members", user=bob, original_name="党员.xlsx")
    client.force_login(bob)
    with django_assert_max_num_queries(12):
        html = client.get(IMPORT_URL).content.decode()
    assert "我最近的后台导入任务" in html
    assert "一.xlsx" in html
    assert "二.xlsx" in html
    assert "乙镇.xlsx" not in html
    assert "党员.xlsx" not in html


def test_the_import_page_has_no_job_list_without_jobs(client, bob, tree):
    client.force_login(bob)
    assert "我最近的后台导入任务" not in client.get(IMPORT_URL).content.decode()


def test_members_are_imported_by_the_same_jobs(bob, tree, django_capture_on_commit_callbacks):
    rows = [member_row("A1", seq=n) for n in range(1, 5)]
    upload_file = SimpleUploadedFile("党员.xlsx", xlsx_bytes(rows, MEMBER_HEADERS))
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(user=bob, kind="members", upload=upload_file)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED, job.errors
    with django_capture_on_commit_callbacks(execute=True):
        job_confirm(user=bob, job=job)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert Member.objects.filter(organization__code="A1").count() == 4


def test_unconfirmed_files_are_deleted_after_a_day(bob, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(user=bob, kind="orgs", upload=SimpleUploadedFile("o.xlsx", new_branches()))
    job.refresh_from_db()
    stored = job.file.name
    assert job_purge_unconfirmed() == 0  # checked just now: kept for the confirmation
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert job_purge_unconfirmed() == 1
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert "未确认" in job.summary
    assert not job.file
    assert not default_storage.exists(stored)
    with pytest.raises(ValidationError, match="不能确认导入"):
        job_confirm(user=bob, job=job)


def test_a_long_file_name_is_kept_whole_on_the_job_and_shortened_on_disk(bob, tree):
    name = "青石镇" * 40 + ".xlsx"
    job = job_create(user=bob, kind="orgs", upload=SimpleUploadedFile(name, new_branches()))
    assert job.original_name == name[-200:]
    assert len(job.file.name) <= ImportJob._meta.get_field("file").max_length
    assert job.file.name.endswith(".xlsx")
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED


def test_a_running_job_shows_its_pace_and_the_time_left(client, bob, tree, monkeypatch):
    job = ImportJob.objects.create(
        kind="orgs", user=bob, original_name="o.xlsx", status=ImportJobStatus.RUNNING
    )
    client.force_login(bob)
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(jobs.time, "time", lambda: clock["now"])
    jobs._publish_progress(job.pk, 0, 50_000)
    clock["now"] += 4
    jobs._publish_progress(job.pk, 10_000, 50_000)
    html = client.get(job_url(job)).content.decode()
    assert "已处理 10000 / 50000 行（20%），每秒 2,500 行，还需约 16 秒" in html
    clock["now"] += 36  # the pace dropped to 500 rows a second
    jobs._publish_progress(job.pk, 20_000, 50_000)
    assert "每秒 500 行，还需约 1 分钟" in client.get(job_url(job)).content.decode()
    cache.delete(jobs._progress_key(job.pk))


def test_a_job_is_never_seen_finished_with_its_file(bob, tree, monkeypatch):
    """A worker in another process polls the status: when it reads 已完成, the file with
    its personal data must already be gone."""
    job = job_create(user=bob, kind="orgs", upload=SimpleUploadedFile("o.xlsx", new_branches()))
    job_run(job.pk)
    job.refresh_from_db()
    job_confirm(user=bob, job=job)
    stored = job.file.name
    seen = []
    original = ImportJob.save

    def watching_save(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED):
            seen.append((self.status, default_storage.exists(stored)))

    monkeypatch.setattr(ImportJob, "save", watching_save)
    job_run(job.pk)
    assert seen == [(ImportJobStatus.DONE, False)]
