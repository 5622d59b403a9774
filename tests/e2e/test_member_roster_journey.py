"""Staff bring a branch's roster into the portal and then find a member through the search.

Story: Bob works in township A's organisation department. He fills two members of village
A1 into the members spreadsheet, uploads it on the admin's import page for 党员, confirms
the checked file, and then opens the portal's roster, searches one of the names and opens
the member's page, where the ID number is shown masked (Bob may not see it in full).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from members.identity import mask_id_number
from members.models import Member
from tests.e2e.accessibility import assert_accessible
from tests.helpers import MEMBER_HEADERS, member_row

IMPORT_PATH = "/admin/members/member/import/"
CHANGELIST_PATH = "/admin/members/member/"
CONFIRM_BUTTON = "input[type=submit][name=confirm]"


def members_file(path: Path, *rows: dict[str, str]) -> Path:
    """An .xlsx as staff fill it in, with the ID numbers typed as text cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(MEMBER_HEADERS)
    for row in rows:
        sheet.append([row[header] for header in MEMBER_HEADERS])
    workbook.save(path)
    return path


def upload_for_preview(page: Page, base_url: str, file: Path) -> None:
    page.goto(f"{base_url}{IMPORT_PATH}")
    # The admin header holds a logout form too: work inside the import form only.
    form = page.locator("form:has(input[name=import_file])")
    form.locator("input[name=import_file]").set_input_files(file)
    format_select = form.locator("select[name=format]")
    if format_select.count():
        format_select.select_option(label="xlsx")
    with page.expect_navigation():
        form.locator("[type=submit]").click()


def test_staff_import_a_roster_and_find_a_member_through_the_search(
    live_server, bob, login, page, tmp_path, artifacts_dir
):
    hong = member_row(
        "A1",
        seq=501,
        姓名="陈红梅",
        female=True,
        birth="1988-03-12",
        入党日期="2012-07-01",
        转正日期="2013-07-01",
    )
    jian = member_row("A1", seq=502, 姓名="刘建军", birth="1979-11-30")
    roster = members_file(tmp_path / "甲一村党员名册.xlsx", hong, jian)

    # Bob uploads the file; it is checked and he confirms the import.
    login("bob")
    upload_for_preview(page, live_server.url, roster)
    expect(page.locator(CONFIRM_BUTTON)).to_be_visible()
    page.screenshot(path=artifacts_dir / "members-import-preview.png", full_page=True)
    with page.expect_navigation(url=f"{live_server.url}{CHANGELIST_PATH}"):
        page.locator(CONFIRM_BUTTON).click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text("新增2条")
    assert Member.objects.count() == 2

    # In the portal he opens the roster from the main navigation and searches a name.
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="党员").click()
    expect(page.get_by_role("heading", level=1, name="党员名册")).to_be_visible()
    assert_accessible(page, "the roster")
    search = page.get_by_role("search")
    search.get_by_label("姓名或身份证号码").fill("陈红梅")
    with page.expect_navigation():
        search.get_by_role("button", name="查询").click()
    results = page.locator("table tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(mask_id_number(hong["公民身份号码"]))
    page.screenshot(path=artifacts_dir / "members-roster-search.png", full_page=True)

    # The member's page shows her details with the ID number masked, never in full.
    with page.expect_navigation():
        results.first.get_by_role("link", name="陈红梅").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("陈红梅")
    expect(page.locator("main")).to_contain_text(mask_id_number(hong["公民身份号码"]))
    expect(page.locator("main")).not_to_contain_text(hong["公民身份号码"])
    expect(page.locator("main")).to_contain_text("甲一村支部")
    # The import is in her history, made by Bob.
    expect(page.get_by_role("region", name="修改记录")).to_contain_text("bob")
    page.screenshot(path=artifacts_dir / "members-detail.png", full_page=True)

    member = Member.objects.get(name="陈红梅")
    assert member.gender == "F"
    assert member.history.latest().history_user == bob
