"""County staff compile the year-end party statistics.

Story: Alice, of the county 组织部, opens 党内统计 from the menu. The page shows the county's
figures as of today with a 公报-style summary; she asks for the end of last year, then for
today again, opens the list behind the women of 乙镇, and downloads the workbook. On a
390 px phone the tables scroll sideways inside their frames and the item names stay in view.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.accessibility import assert_accessible
from tests.factories import make_member

TODAY = timezone.localdate()
LAST_YEAR_END = datetime.date(TODAY.year - 1, 12, 31)


def _data(tree) -> None:
    make_member(tree["A1"], name="张甲一")
    make_member(tree["A2"], name="李甲二")
    make_member(tree["B1"], name="王乙一", female=True)
    make_member(
        tree["B1"],
        name="赵新人",
        female=True,
        category="probationary",
        joined_on=datetime.date(TODAY.year, 1, 2),
        confirmed_on=None,
        birth="1999-06-01",
    )


def test_staff_read_the_statistics_and_download_them(
    live_server, alice, tree, login, page, artifacts_dir, tmp_path
):
    _data(tree)
    login("alice")
    page.get_by_role("navigation", name="主导航").first.get_by_role("link", name="党内统计").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("测试县委党内统计")
    summary = page.locator(".stats-text")
    expect(summary).to_contain_text("全县共有党员4名，比上年底净增1名")
    assert_accessible(page, "the statistics page")
    page.screenshot(path=str(artifacts_dir / "statistics-1280.png"), full_page=True)

    # The end of last year: 赵新人 was admitted this year and is not counted yet.
    dates = page.get_by_role("navigation", name="常用统计日期")
    dates.get_by_role("link", name=f"{LAST_YEAR_END.year}年12月31日（上年末）").click()
    expect(summary).to_contain_text(f"截至{LAST_YEAR_END.year}年12月31日，全县共有党员3名")
    page.locator("#id_as_of").fill(TODAY.isoformat())
    page.get_by_role("button", name="统计").click()
    expect(summary).to_contain_text("全县共有党员4名")

    # The women of 乙镇: a figure is a link to the people it counts.
    overview = page.get_by_role("table", name=f"党员总体情况，统计截至 {TODAY.year}年")
    row = overview.get_by_role("row", name="女党员")
    cells = row.locator("td")
    headers = overview.locator("thead th")
    column = [headers.nth(i).inner_text() for i in range(headers.count())].index("乙镇")
    cells.nth(column - 1).get_by_role("link", name="2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("党员总体情况 · 女党员")
    people = page.get_by_role("table")
    expect(people).to_contain_text("王乙一")
    expect(people).to_contain_text("赵新人")
    expect(people).not_to_contain_text("张甲一")
    page.get_by_role("link", name="返回统计表").click()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.startswith("党内统计-测试县委")
    target = tmp_path / "statistics.xlsx"
    download.save_as(str(target))
    sheet = load_workbook(target)["党员总体情况"]
    assert [sheet["A2"].value, sheet["B2"].value] == ["党员总数", 4]


def test_the_tables_stay_readable_on_a_phone(live_server, alice, tree, login, page, artifacts_dir):
    _data(tree)
    page.set_viewport_size({"width": 390, "height": 844})
    login("alice")
    page.goto(f"{live_server.url}/statistics/")
    expect(page.get_by_role("heading", level=1)).to_have_text("测试县委党内统计")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The longest item of the first table keeps one line: as high as the shortest.
    long = page.get_by_role("rowheader", name="大专及以上学历").first.bounding_box()
    short = page.get_by_role("rowheader", name="女党员", exact=True).first.bounding_box()
    assert long["height"] <= short["height"] + 1, (long, short)
    assert_accessible(page, "the statistics page on a phone")
    page.screenshot(path=str(artifacts_dir / "statistics-390.png"), full_page=True)
