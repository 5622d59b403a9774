"""Township staff record a village's 换届 election with the committee it elected.

Story: Bob works in township A's organisation department. 甲一村's five-year term ended a
month ago (逾期未换届) and 老书记 still leads it; 甲二村's term ends at the end of this year.
Bob opens 班子与换届 from the menu (two due, one overdue, none held), opens 甲一村's team,
records last month's election — approved today — with a new 书记 from the roster, a deputy
and, after asking for one more row, an 组织委员. The team page shows the new committee with
the 书记 first and a new term; the organisation's page and the tree name the new 书记; the
换届 page counts the election held and approved. On a 390 px phone the team page and the
election form fit the screen.
"""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from core.periods import add_years
from members.models import Member
from orgs.models import Organization
from teams.choices import Position
from tests.e2e.accessibility import assert_accessible
from tests.factories import make_member
from tests.teams.page_data import OVERDUE_START, TODAY, person_id, seat

HELD = TODAY - datetime.timedelta(days=25)


def _data(tree) -> Member:
    village = tree["A1"]
    for seq in range(8):
        make_member(village, seq=700 + seq, name=f"党员{'一二三四五六七八'[seq]}")
    seat(village, "老书记", Position.SECRETARY, started_on=OVERDUE_START)
    seat(village, "老委员", Position.MEMBER, started_on=OVERDUE_START)
    Organization.objects.filter(pk=village.pk).update(term_started_on=OVERDUE_START)
    Organization.objects.filter(pk=tree["A2"].pk).update(
        term_started_on=datetime.date(TODAY.year - 5, 12, 31)
    )
    return Member.objects.filter(organization=village).order_by("pk").first()


def _figure(page, label: str):
    return page.locator(".renewal-figures .stat").filter(has_text=label).locator(".stat__value")


def test_staff_record_an_election_and_see_the_new_term_everywhere(
    live_server, bob, tree, login, page, artifacts_dir
):
    roster_member = _data(tree)
    login("bob")
    page.get_by_role("navigation", name="主导航").first.get_by_role(
        "link", name="班子与换届"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("甲镇党委换届工作进展")
    expect(_figure(page, "应换届")).to_have_text("2")
    expect(_figure(page, "已选举")).to_have_text("0")
    expect(_figure(page, "逾期未换届")).to_have_text("1")
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name="甲一村支部")).to_contain_text("逾期未换届")
    assert_accessible(page, "the renewal page")
    page.screenshot(path=str(artifacts_dir / "teams-renewal-before-1280.png"), full_page=True)

    table.get_by_role("link", name="甲一村支部").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("甲一村支部班子与换届")
    current = page.get_by_role("table", name="现任班子成员，书记在前")
    expect(current.get_by_role("row").nth(1)).to_contain_text("老书记")

    page.get_by_role("link", name="登记换届选举").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登记换届选举")
    page.get_by_label("届次").fill("第十一届")
    page.get_by_label("选举日期").fill(HELD.isoformat())
    page.get_by_label("应到人数").fill("8")
    page.get_by_label("实到人数").fill("8")
    page.get_by_label("选举方式").select_option(label="差额")
    page.get_by_label("候选人数").fill("4")
    page.get_by_label("应选人数").fill("3")
    page.get_by_label("上级批复日期").fill(TODAY.isoformat())
    first = page.get_by_role("group", name="第 1 人")
    expect(first.get_by_label("职务", exact=True)).to_have_value(Position.SECRETARY)
    first.get_by_label("姓名").fill("新书记")
    first.get_by_label("公民身份号码").fill(roster_member.id_number)
    first.get_by_label("兼任职务").fill("村民委员会主任")
    second = page.get_by_role("group", name="第 2 人")
    second.get_by_label("姓名").fill("新副书")
    second.get_by_label("公民身份号码").fill(person_id())
    # One more row: what was typed stays.
    page.get_by_role("button", name="再加一行").click()
    sixth = page.get_by_role("group", name="第 6 人")
    expect(sixth.get_by_label("姓名")).to_be_visible()
    expect(page.get_by_role("group", name="第 1 人").get_by_label("姓名")).to_have_value("新书记")
    expect(page.get_by_label("届次")).to_have_value("第十一届")
    third = page.get_by_role("group", name="第 3 人")
    expect(third.get_by_label("职务", exact=True)).to_have_value(Position.ORGANIZATION)
    third.get_by_label("姓名").fill("新组织")
    third.get_by_label("公民身份号码").fill(person_id(female=True))
    assert_accessible(page, "the election form")
    page.screenshot(path=str(artifacts_dir / "teams-election-form-1280.png"), full_page=True)
    page.get_by_role("button", name="保存选举和班子").click()

    org = Organization.objects.get(pk=tree["A1"].pk)
    term_end = add_years(HELD, 5)
    assert org.term_started_on == HELD
    assert org.secretary_name == roster_member.name  # the roster's name for its member
    expect(page.get_by_role("status").first).to_contain_text(
        f"本届任期自 {HELD.isoformat()} 起，至 {term_end.isoformat()} 届满"
    )
    current = page.get_by_role("table", name="现任班子成员，书记在前")
    secretary_row = current.get_by_role("row").nth(1)
    expect(secretary_row).to_contain_text(roster_member.name)
    expect(secretary_row).to_contain_text("书记")
    expect(current.get_by_role("row")).to_have_count(4)
    past = page.get_by_role("table", name="已离任的班子成员，最近离任的在前")
    expect(past.get_by_role("row", name="老书记")).to_contain_text("换届")
    expect(page.get_by_role("definition").filter(has_text=term_end.isoformat())).to_be_visible()
    expect(page.get_by_text("已换届并批复")).to_be_visible()
    assert_accessible(page, "the team page")
    page.screenshot(path=str(artifacts_dir / "teams-team-1280.png"), full_page=True)

    # The organisation's page and the tree name the new 书记 and the new term.
    page.get_by_role("link", name="甲一村支部", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("甲一村支部")
    summary = page.locator("section", has=page.get_by_role("heading", name="班子与任期"))
    expect(summary).to_contain_text(roster_member.name)
    expect(summary).to_contain_text("3 人")
    expect(summary).to_contain_text(term_end.isoformat())
    page.screenshot(path=str(artifacts_dir / "teams-org-detail-1280.png"), full_page=True)
    page.get_by_role("link", name="组织体系").first.click()
    expect(page.locator(".tree__meta").filter(has_text=roster_member.name)).to_have_count(1)

    # The 换届 page counts it.
    page.get_by_role("navigation", name="主导航").first.get_by_role(
        "link", name="班子与换届"
    ).click()
    expect(_figure(page, "已选举")).to_have_text("1")
    expect(_figure(page, "已批复")).to_have_text("1")
    expect(_figure(page, "逾期未换届")).to_have_text("0")
    expect(page.get_by_role("table").get_by_role("row", name="甲一村支部")).to_contain_text(
        roster_member.name
    )
    page.screenshot(path=str(artifacts_dir / "teams-renewal-after-1280.png"), full_page=True)


def test_the_team_pages_fit_a_phone(live_server, bob, tree, login, page, artifacts_dir):
    _data(tree)
    page.set_viewport_size({"width": 390, "height": 844})
    login("bob")
    for url, name in (
        ("/teams/renewal/", "teams-renewal-390.png"),
        ("/teams/A1/", "teams-team-390.png"),
        ("/teams/A1/elections/new/", "teams-election-form-390.png"),
    ):
        page.goto(f"{live_server.url}{url}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        assert_accessible(page, url)
        page.screenshot(path=str(artifacts_dir / name), full_page=True)
