"""County staff bring new village branches into the portal by uploading a spreadsheet.

Story: Alice works in the county organisation department. She fills in two new village
branches of township A in the orgs spreadsheet, uploads it in the admin, checks the preview,
confirms, and then finds both branches in the portal's organisation tree. When her file has
mistakes she is told the row and the column of each one, and nothing is imported.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from orgs.models import Organization
from tests.e2e.accessibility import assert_accessible
from tests.helpers import ORG_HEADERS

CHANGELIST_PATH = "/admin/orgs/organization/"
IMPORT_PATH = "/admin/orgs/organization/import/"
CONFIRM_BUTTON = "input[type=submit][name=confirm]"


def village_branch(code: str, name: str, **changes: str) -> list:
    """One row of the orgs file: a village branch under township A, with `changes` applied."""
    row = {
        "组织代码": code,
        "组织名称": name,
        "上级组织代码": "A",
        "组织类别": "党支部",
        "行政层级": "村级",
        "所属领域": "农村",
        "成立日期": "1998-07-01",
        "书记姓名": "王建国",
        "书记联系电话": "13800138000",
        "本届任期开始日期": "2024-03-15",
        "任期年限": 5,
        "是否示范点": "否",
        "是否软弱涣散": "否",
        "联合党支部所含单位": "",
    }
    row.update(changes)
    return [row[header] for header in ORG_HEADERS]


def orgs_file(path: Path, *rows: list) -> Path:
    """An .xlsx as staff fill it in: the header row, then one row per organisation."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ORG_HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def upload_for_preview(page: Page, base_url: str, file: Path) -> None:
    """Open the import page, choose the file (as XLSX) and submit it for the preview."""
    page.goto(f"{base_url}{IMPORT_PATH}")
    # The admin header holds a logout form too: work inside the import form only.
    form = page.locator("form:has(input[name=import_file])")
    form.locator("input[name=import_file]").set_input_files(file)
    format_select = form.locator("select[name=format]")
    if format_select.count():
        format_select.select_option(label="xlsx")
    with page.expect_navigation():
        form.locator("[type=submit]").click()


def test_it_imports_an_orgs_file_through_the_admin_and_shows_the_tree(
    live_server, alice, login, page, tmp_path, artifacts_dir
):
    new_branches = orgs_file(
        tmp_path / "新建村支部.xlsx",
        village_branch("A3", "甲三村支部委员会"),
        village_branch("A4", "甲四村支部委员会"),
    )

    # Alice signs in and uploads the file; the portal shows what it would import.
    login("alice")
    upload_for_preview(page, live_server.url, new_branches)
    preview = page.locator("table.import-preview")
    expect(preview).to_be_visible()
    expect(preview.locator("tbody tr.new")).to_have_count(2)
    expect(preview.locator("tbody tr.new").first).to_contain_text("组织代码：A3")
    expect(preview.locator("tbody tr.new").last).to_contain_text("组织名称：甲四村支部委员会")
    expect(page.locator(".portal-preview-totals")).to_contain_text("将新增 2 行")
    page.screenshot(path=artifacts_dir / "orgs-import-preview.png", full_page=True)

    # She confirms and is back on the list of organisations, with a success message.
    with page.expect_navigation(url=f"{live_server.url}{CHANGELIST_PATH}"):
        page.locator(CONFIRM_BUTTON).click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text("新增2条")
    assert_accessible(page, "the admin import result")

    # The new branches are in the portal's organisation tree.
    page.goto(f"{live_server.url}/orgs/")
    tree_names = page.locator("a.tree__name")
    expect(tree_names.filter(has_text="甲三村支部委员会")).to_be_visible()
    expect(tree_names.filter(has_text="甲四村支部委员会")).to_be_visible()

    # Both sit under township A, the tree is sound, and the history names Alice.
    for code in ("A3", "A4"):
        branch = Organization.objects.get(code=code)
        assert Organization.objects.get_parent(branch).code == "A"
    problems = Organization.objects.find_problems()
    assert len(problems) == 5
    assert all(not ids for ids in problems), problems
    assert Organization.objects.get(code="A3").history.latest().history_user == alice


def test_it_reports_bad_rows_and_imports_nothing(
    live_server, alice, login, page, tmp_path, artifacts_dir
):
    organisations_before = Organization.objects.count()
    bad_file = orgs_file(
        tmp_path / "有错误的文件.xlsx",
        # A county-level organisation cannot sit under township A.
        village_branch("A3", "甲三村支部委员会", 行政层级="县级"),
        # "支部" is not one of the allowed kinds (党支部, 联合党支部 …).
        village_branch("A4", "甲四村支部委员会", 组织类别="支部"),
    )

    login("alice")
    upload_for_preview(page, live_server.url, bad_file)

    errors = page.locator("ul.portal-import-errors")
    expect(errors).to_be_visible()
    expect(errors.locator("li").filter(has_text="第2行 [行政层级]")).to_have_count(1)
    expect(errors.locator("li").filter(has_text="第3行 [组织类别]")).to_have_count(1)
    expect(page.locator(CONFIRM_BUTTON)).to_have_count(0)
    page.screenshot(path=artifacts_dir / "orgs-import-errors.png", full_page=True)

    assert Organization.objects.count() == organisations_before
    assert not Organization.objects.filter(code__in=["A3", "A4"]).exists()
