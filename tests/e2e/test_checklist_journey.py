"""A quarter's responsibility list, from issuing to the figures.

Story: Bob (township A's organisation department) issues this quarter's lists (a
background task: the result arrives in his notifications). Sam, the
secretary of village A1, opens his list on his phone (390 px wide), marks the first item
已完成 with an account and a photo, marks the fourth 推进中, and submits. Bob sends the list
back with a reason on the first item; Sam sees the reason on that item, rewrites the account
and resubmits. Bob sees what changed, scores every item and approves: the list shows
已审核 and its total score to both, and the quarter's figures count it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from checklists.default_templates import load_default_templates
from checklists.figures import quarter_figures
from checklists.models import ChecklistTemplate, ResponsibilityList, TemplateItem
from core.periods import Quarter
from tests.e2e.accessibility import assert_accessible
from tests.test_org_life_services import png_bytes

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
FIRST_ITEM = "1. 落实“三会一课”等组织生活制度"
FOURTH_ITEM = "4. 加强流动党员管理"
REASON = "请写明支部党员大会的日期和参会人数。"
# Full marks except item 4 (8 of 10): 98 of 100.
SCORES = ["20", "10", "10", "8", "10", "10", "15", "5", "10"]


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    # The issue button's task runs in the server process, as in the embedded default,
    # also in CI's Redis pass (no worker runs during the browser tests).
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _item(page, title: str):
    return page.locator("li.fill-item").filter(
        has=page.get_by_role("heading", level=2, name=title, exact=True)
    )


def _switch_user(page, login, username: str, viewport: dict) -> None:
    page.context.clear_cookies()
    page.set_viewport_size(viewport)
    login(username)


def test_checklist_issued_filled_returned_resubmitted_and_approved(
    live_server, bob, sam, tree, login, page, artifacts_dir, tmp_path
):
    # live_server tests flush the database, which removes the templates the data migration
    # shipped; load them again (a no-op where they still exist).
    year = timezone.localdate().year
    load_default_templates(ChecklistTemplate, TemplateItem, year=year)
    quarter = Quarter.of(timezone.localdate())
    photo = tmp_path / "支部党员大会.png"
    photo.write_bytes(png_bytes())

    # --- Bob issues the quarter's lists (township A, villages A1 and A2).
    login("bob")
    page.goto(f"{live_server.url}/checklists/issue/")
    expect(
        page.get_by_role("heading", level=1, name="下发书记抓基层党建工作责任清单")
    ).to_be_visible()
    expect(page.get_by_label("季度", exact=False)).to_have_value(str(quarter))
    with page.expect_navigation():
        page.get_by_role("button", name="下发清单").click()
    # Issuing runs as a background task (eagerly here, as in the embedded default); the
    # page says it started and the result arrives in Bob's notifications.
    expect(page.get_by_text(f"已开始下发 {quarter} 的责任清单", exact=False)).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="站内通知", exact=True).click()
    expect(
        page.get_by_text(f"{quarter}：新下发 3 份清单，已存在 0 份。", exact=False)
    ).to_be_visible()
    checklist = ResponsibilityList.objects.get(organization=tree["A1"])
    assert checklist.items.count() == 9

    # --- Sam fills it in on his phone.
    _switch_user(page, login, "sam", PHONE)
    page.goto(f"{live_server.url}/checklists/")
    card = page.get_by_role("list", name="我的责任清单").get_by_role("link")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("甲一村支部")
    expect(card).to_contain_text("未提交")
    with page.expect_navigation():
        card.click()
    expect(
        page.get_by_role(
            "heading",
            level=1,
            name=f"甲一村支部 {quarter.year} 年第 {quarter.number} 季度责任清单",
        )
    ).to_be_visible()

    first = _item(page, FIRST_ITEM)
    first.get_by_label("已完成").check()
    first.get_by_label("落实情况").fill("本季度召开支部党员大会 1 次，按月召开支委会。")
    first.get_by_label("上传佐证材料").set_input_files(photo)
    _item(page, FOURTH_ITEM).get_by_label("推进中").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    submit = page.get_by_role("button", name="保存并提交…")
    box = submit.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    page.screenshot(path=artifacts_dir / "checklist-fill-phone.png", full_page=True)
    assert_accessible(page, "the secretary's fill page on a phone")
    with page.expect_navigation():
        submit.click()

    expect(page.get_by_role("heading", level=1, name="确认提交责任清单")).to_be_visible()
    summary = page.get_by_role("table")
    expect(summary.get_by_role("row", name="已完成")).to_contain_text("1")
    expect(summary.get_by_role("row", name="推进中")).to_contain_text("1")
    expect(summary.get_by_role("row", name="未开展")).to_contain_text("7")
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("已提交，等待审核。", exact=True)).to_be_visible()
    expect(page.locator(".page-header .badge").first).to_have_text("已提交")
    expect(
        page.get_by_role("list", name="第 1 项已上传的佐证材料").get_by_role(
            "link", name="支部党员大会.png", exact=True
        )
    ).to_be_visible()

    # --- Bob sends it back with a reason on the first item.
    _switch_user(page, login, "bob", DESKTOP)
    page.goto(f"{live_server.url}/checklists/review/")
    row = page.get_by_role("row").filter(has_text="甲一村支部")
    expect(row).to_contain_text("已提交")
    with page.expect_navigation():
        row.get_by_role("link", name="甲一村支部").click()
    expect(page.get_by_role("link", name="支部党员大会.png")).to_be_visible()
    page.get_by_label("第 1 项审核意见 / 退回理由").fill(REASON)
    with page.expect_navigation():
        page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_text("已退回修改，书记将在各条目上看到退回理由。")).to_be_visible()
    expect(page.locator("#summary-title + dl .badge").first).to_have_text("退回修改")

    # --- Sam sees the reason on the item, fixes the account and resubmits.
    _switch_user(page, login, "sam", PHONE)
    page.goto(f"{live_server.url}/checklists/")
    card = page.get_by_role("list", name="我的责任清单").get_by_role("link")
    expect(card).to_contain_text("退回修改")
    with page.expect_navigation():
        card.click()
    expect(
        page.get_by_text("清单被退回修改：请按各条目下的退回原因修改后重新提交。")
    ).to_be_visible()
    first = _item(page, FIRST_ITEM)
    expect(first.locator(".review-note")).to_contain_text(f"退回原因：{REASON}")
    first.get_by_label("落实情况").fill(
        "9 月 5 日召开支部党员大会，应到 3 人，实到 3 人；按月召开支委会。"
    )
    page.screenshot(path=artifacts_dir / "checklist-returned-phone.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="保存并提交…").click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交").click()
    expect(page.locator(".page-header .badge").first).to_have_text("已提交")

    # --- Bob sees the change, scores every item and approves.
    _switch_user(page, login, "bob", DESKTOP)
    page.goto(f"{live_server.url}/checklists/review/{checklist.pk}/")
    assert_accessible(page, "the reviewer's scoring page")
    expect(page.locator("#summary-title + dl .badge").first).to_have_text("已提交")
    expect(page.get_by_text("书记重新提交时修改了 1 项")).to_be_visible()
    changed = page.locator(f"#item-{checklist.items.get(position=1).pk}")
    expect(changed).to_contain_text("本次修改")
    expect(changed.locator("ins")).to_contain_text("实到 3 人")
    for position, score in enumerate(SCORES, start=1):
        page.get_by_label(f"第 {position} 项得分", exact=False).fill(score)
    with page.expect_navigation():
        page.get_by_role("button", name="保存评分").click()
    expect(page.get_by_text("已保存评分。")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("已审核通过。")).to_be_visible()
    summary = page.locator("#summary-title + dl")
    expect(summary.locator(".badge").first).to_have_text("已审核")
    expect(summary).to_contain_text("98.0")
    page.screenshot(path=artifacts_dir / "checklist-approved.png", full_page=True)
    page.goto(f"{live_server.url}/checklists/review/")
    expect(page.get_by_role("row").filter(has_text="甲一村支部")).to_contain_text("98.0")

    # --- Sam sees the result.
    _switch_user(page, login, "sam", PHONE)
    page.goto(f"{live_server.url}/checklists/{checklist.pk}/")
    expect(page.locator(".page-header .badge").first).to_have_text("已审核")
    expect(page.locator(".page-header strong")).to_have_text("98.0")
    expect(page.get_by_text("已审核，清单不能再修改。")).to_be_visible()

    # --- The quarter's figures count the approved list.
    village = quarter_figures(org=tree["A1"], quarter=quarter)
    assert (village.issued, village.submitted, village.approved) == (1, 1, 1)
    assert village.submission_rate == Decimal("100.0")
    assert village.average_score == Decimal("98.0")
    township = quarter_figures(org=tree["A"], quarter=quarter)
    assert (township.issued, township.submitted, township.approved) == (3, 1, 1)
    assert township.submission_rate == Decimal("33.3")
    assert township.average_score == Decimal("98.0")
