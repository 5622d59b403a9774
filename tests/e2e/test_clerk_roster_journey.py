"""A township clerk's own roster goes in as it is, after a preview that says what changes.

Story: Bob, staff of township A, has the roster his office keeps in Excel: a title and a
"填报单位" line above the header, his office's own headers (身份证号, 所在支部, 入党时间),
dates as 2005/7/1 and 2005年7月1日, 本科 for 大学本科, branches named by name, and a 合计
line at the bottom. He uploads it, the preview tells him where it found the header, what it
left out and what each row will write; he confirms and finds the members in the roster.
Later he corrects a phone number and the preview shows old → new, masked.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from members.models import Member
from tests.e2e.accessibility import assert_accessible
from tests.helpers import id_number

IMPORT_PATH = "/admin/members/member/import/"
CONFIRM_BUTTON = "input[type=submit][name=confirm]"
HEADER = [
    "序号", "姓名", "身份证号", "性别", "民族", "出生日期", "学历", "人员类别", "入党时间",
    "转正时间", "所在支部", "工作岗位", "联系电话",
]  # fmt: skip


def roster(path: Path, phone: str = "13912345678") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["甲镇党员花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(["填报单位：甲镇党委　　截至：2026年11月30日"])
    sheet.append(HEADER)
    sheet.append(
        [
            1,
            "王建国",
            id_number(seq=1),
            "男",
            "汉",
            "1980/5/17",
            "本科",
            "正式党员",
            "2005/7/1",
            datetime.datetime(2006, 7, 1),
            "甲一村支部",
            "农牧渔民",
            phone,
        ]  # fmt: skip
    )
    sheet.append(
        [
            2,
            "李红",
            id_number(seq=2, female=True),
            "女",
            "汉族",
            "1980.5.17",
            "大专",
            "正式",
            "2005年7月1日",
            "2006年7月1日",
            "甲二村",
            "工人",
            "13912345679",
        ]  # fmt: skip
    )
    sheet.append(["合计：2人"])
    workbook.save(path)
    return path


def upload(page: Page, base_url: str, file: Path) -> None:
    page.goto(f"{base_url}{IMPORT_PATH}")
    form = page.locator("form:has(input[name=import_file])")
    form.locator("input[name=import_file]").set_input_files(file)
    form.locator("select[name=format]").select_option(label="xlsx")
    with page.expect_navigation():
        form.locator("[type=submit]").click()


def test_a_clerks_roster_is_previewed_and_imported_as_it_is(
    live_server, bob, tree, login, page, tmp_path, artifacts_dir
):
    login("bob")
    upload(page, live_server.url, roster(tmp_path / "甲镇花名册.xlsx"))

    notices = page.locator(".portal-import-notices")
    expect(notices).to_contain_text("表头在第3行")
    expect(notices).to_contain_text("以下列不属于本表，未导入：序号")
    expect(notices).to_contain_text("第6行是表尾")
    expect(page.locator(".portal-preview-totals")).to_contain_text("将新增 2 行")
    rows = page.locator("table.portal-preview tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("第4行")
    expect(rows.first).to_contain_text("学历：大学本科")
    expect(rows.first).to_contain_text("所在党组织代码：A1")
    expect(rows.last).to_contain_text("所在党组织代码：A2")
    expect(rows.last).to_contain_text("入党日期：2005-07-01")
    assert id_number(seq=1) not in page.content()  # the preview is masked
    assert_accessible(page, "the import preview")
    page.screenshot(path=artifacts_dir / "clerk-roster-preview.png", full_page=True)

    with page.expect_navigation():
        page.locator(CONFIRM_BUTTON).click()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()
    assert Member.objects.filter(organization__code__in=["A1", "A2"]).count() == 2

    # A corrected phone: the preview shows the change, masked, and nothing else.
    upload(page, live_server.url, roster(tmp_path / "更正.xlsx", phone="13800001111"))
    expect(page.locator(".portal-preview-totals")).to_contain_text(
        "将新增 0 行，更新 1 行，1 行与系统中一致"
    )
    change = page.locator("table.portal-preview tbody tr.update")
    expect(change).to_contain_text("联系电话：139****5678 → 138****1111")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=artifacts_dir / "clerk-roster-change-390.png", full_page=True)
