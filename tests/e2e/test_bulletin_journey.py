"""A leader downloads the progress bulletin (进展通报).

Story: Leo, a county leader, logs in and lands on the portal's first page, opens the
bulletin page, generates the county's bulletin for the last quarter and downloads it: a
real PDF whose text (pdftotext) names the county. On a phone (390 px) the page is usable.
"""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect

from config.celery import app
from core.periods import Period
from reports.models import Bulletin
from tests.e2e.accessibility import assert_accessible
from tests.factories import make_member

PERIOD = Period.quarter_of(timezone.localdate()).previous


@pytest.fixture(autouse=True)
def eager_tasks():
    # The embedded default: the bulletin is built when the request's transaction commits.
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = django_settings.CELERY_TASK_ALWAYS_EAGER


def test_a_leader_generates_and_downloads_the_county_bulletin(
    live_server, leo, tree, login, page, artifacts_dir, tmp_path
):
    joined = PERIOD.first_day - datetime.timedelta(days=400)
    for _ in range(3):
        make_member(tree["A1"], joined_on=joined, confirmed_on=joined + datetime.timedelta(365))

    login("leo")
    # The dashboard: the county's figures, accessible.
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    expect(page.locator("main")).to_contain_text("测试县委")
    assert_accessible(page, "the dashboard")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="进展通报").click()
    expect(page.get_by_role("heading", level=1, name="进展通报")).to_be_visible()
    assert_accessible(page, "the bulletin page")
    page.get_by_label("通报范围").select_option("C")
    page.get_by_label("季度").select_option(str(PERIOD))
    page.get_by_role("button", name="生成 PDF 通报").click()

    expect(page.get_by_role("status").filter(has_text="已生成，可以下载")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="测试县委")
    expect(row.get_by_text("已生成")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "bulletin-list-desktop.png"), full_page=True)

    with page.expect_download() as download_info:
        row.get_by_role("link", name="下载 PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith("进展通报.pdf")
    target = tmp_path / "bulletin.pdf"
    download.save_as(str(target))
    assert target.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(target), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "测试县委" in text
    assert PERIOD.label in text

    bulletin = Bulletin.objects.get()
    assert bulletin.requested_by == leo
    assert bulletin.pages >= 1

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_role("button", name="生成 PDF 通报")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "bulletin-list-phone.png"), full_page=True)
