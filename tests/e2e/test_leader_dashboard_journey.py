"""A leader reads the dashboard.

Story: Leo, a county leader, logs in and lands on the dashboard of the last closed quarter
(the running quarter's lists are not due yet, so its rates would read as a fall); the
running quarter is one click away and marked 进行中 in the tab, the chooser and the
heading. The ranking ranks the scored townships only and, on a 390 px phone, keeps the
organisations' names readable (the table scrolls sideways inside its frame).
"""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from checklists.default_templates import load_default_templates
from checklists.issuing import issue_checklists
from checklists.models import ChecklistTemplate, ResponsibilityList, TemplateItem
from core.periods import Period, Quarter
from tests.e2e.accessibility import assert_accessible
from tests.factories import make_member, make_org

RUNNING = Period.quarter_of(timezone.localdate())
CLOSED = RUNNING.previous


def _data(tree) -> None:
    # live_server tests flush the database, which removes the templates the data migration
    # shipped; load them again (a no-op where they still exist).
    load_default_templates(ChecklistTemplate, TemplateItem, year=CLOSED.year)
    make_org(tree["C"], code="D", name="丁家湾镇党委", kind="committee", level="township")
    for code in ("A1", "A2", "B1"):
        make_member(tree[code])
    issue_checklists(quarter=Quarter(CLOSED.year, CLOSED.number))
    ResponsibilityList.objects.filter(
        organization__code__in=["A1", "A2"], year=CLOSED.year, quarter=CLOSED.number
    ).update(status="approved", total_score="88.5")
    ResponsibilityList.objects.filter(
        organization__code="B1", year=CLOSED.year, quarter=CLOSED.number
    ).update(status="approved", total_score="92")
    assert ResponsibilityList.objects.filter(status="approved").count() == 3


def test_a_leader_lands_on_the_last_closed_quarter(
    live_server, leo, tree, login, page, artifacts_dir
):
    _data(tree)
    login("leo")
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("测试县委党建工作概览")
    expect(main.locator(".dash-period")).to_contain_text(f"{CLOSED.label} · 数据截至")
    expect(main.locator(".dash-period")).not_to_contain_text("进行中")
    expect(page.locator("#id_period")).to_have_value(str(CLOSED))

    # The ranking: the two scored townships ranked, 丁家湾镇 listed without a rank.
    ranking = page.get_by_role("table", name="下级党组织排名，按清单平均得分从高到低")
    expect(ranking.get_by_role("row").nth(1)).to_contain_text("乙镇党委")
    expect(ranking.get_by_role("row", name="乙镇党委").locator("td").first).to_have_text("1")
    expect(ranking.get_by_role("row", name="甲镇党委").locator("td").first).to_have_text("2")
    expect(ranking.get_by_role("row", name="丁家湾镇党委").locator("td").first).to_have_text(
        "未评分"
    )
    assert_accessible(page, "the dashboard of the last closed quarter")
    page.screenshot(path=str(artifacts_dir / "dashboard-closed-1280.png"), full_page=True)

    # One click to the running quarter, marked 进行中.
    tabs = page.get_by_role("navigation", name="最近结束的季度与本季度")
    expect(tabs.get_by_role("link", name=CLOSED.label, exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    tabs.get_by_role("link", name=f"{RUNNING.label}（进行中）").click()
    expect(main.locator(".dash-period")).to_contain_text(f"{RUNNING.label} · 数据截至")
    expect(main.locator(".dash-period .badge")).to_have_text("进行中")
    expect(main.get_by_role("note")).to_contain_text("尚未结束（进行中）")
    expect(page.locator("#id_period").locator("option:checked")).to_have_text(
        f"{RUNNING.label}（进行中）"
    )
    assert_accessible(page, "the dashboard of the running quarter")
    page.screenshot(path=str(artifacts_dir / "dashboard-running-1280.png"), full_page=True)


def test_the_ranking_stays_readable_on_a_phone(live_server, leo, tree, login, page, artifacts_dir):
    _data(tree)
    page.set_viewport_size({"width": 390, "height": 844})
    login("leo")
    ranking = page.get_by_role("table", name="下级党组织排名，按清单平均得分从高到低")
    expect(ranking.get_by_role("row", name="乙镇党委").locator("td").first).to_have_text("1")
    name = ranking.get_by_role("rowheader", name="丁家湾镇党委")
    name.scroll_into_view_if_needed()
    # The name keeps its line: one line high (not two characters a line), and the page
    # itself does not scroll sideways (the table does, inside its frame).
    box = name.locator("a").bounding_box()
    line = name.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24")
    assert box["height"] <= line * 1.6, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wrap = page.locator(".table-wrap").filter(has=ranking)
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    assert_accessible(page, "the dashboard on a phone")
    page.locator("#ranking-title").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "dashboard-ranking-390.png"))
    page.screenshot(path=str(artifacts_dir / "dashboard-390-full.png"), full_page=True)
