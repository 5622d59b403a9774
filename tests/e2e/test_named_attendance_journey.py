"""A village secretary records a meeting with attendance by name on a phone, and the
branch's six-month flag follows.

Story: Sam is the secretary of village A1 (张三, 李四, 王五, 赵六). For six months 张三 was
listed at every 主题党日 and absent from all of them, so the health page flags him for the
branch (党章 第九条: six months without organisation life). Sam records last month's
meeting he had not entered yet on his phone (390 px wide): 录入组织生活, 主题党日, the date,
the topic; 应到 is already 4 and "保存后按名单登记出席情况" is ticked, so he leaves 实到
empty and saves. The names come up all present: he marks 李四 请假 (外出务工) and 王五 absent
and saves. The record shows 应到 4, 实到 2, and 张三, who attended, is no longer flagged.
"""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from core.periods import add_months, month_start
from orgs.models import OrgLifeRecord
from tests.attendance_helpers import named_meeting
from tests.e2e.accessibility import assert_accessible
from tests.factories import make_member

PHONE = {"width": 390, "height": 844}
NAMES = ("张三", "李四", "王五", "赵六")


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_secretary_records_names_on_a_phone_and_the_flag_follows(
    live_server, sam, bob, tree, login, page, artifacts_dir
):
    people = {n: make_member(tree["A1"], seq=i + 1, name=n) for i, n in enumerate(NAMES)}
    this_month = month_start(timezone.localdate())
    for back in range(6, 0, -1):  # the six complete months before this one
        day = add_months(this_month, -back).replace(day=10)
        named_meeting(bob, tree["A1"], day, absent=[people["张三"]])
    last_month_day = add_months(this_month, -1).replace(day=20)

    page.set_viewport_size(PHONE)
    login("sam")
    health = f"{live_server.url}/health/?rule=dues_lapsed"
    page.goto(health)
    findings = page.locator("main")
    expect(findings).to_contain_text("张三")
    page.screenshot(path=artifacts_dir / "six-month-flag-phone.png", full_page=True)

    page.goto(f"{live_server.url}/orgs/A1/life/")
    with page.expect_navigation():
        page.get_by_role("link", name="录入组织生活").first.click()
    page.get_by_label("会议类型").select_option(label="主题党日")
    page.get_by_label("召开日期").fill(last_month_day.isoformat())
    page.get_by_label("主题").fill("重温入党誓词")
    expect(page.get_by_label("应到人数")).to_have_value("4")
    expect(page.get_by_label("保存后按名单登记出席情况")).to_be_checked()
    fits_the_phone(page)
    assert_accessible(page, "the entry form")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("heading", level=1, name="出席名单")).to_be_visible()
    for name in NAMES:
        expect(page.get_by_role("group", name=name).get_by_label("出席")).to_be_checked()
    page.get_by_role("group", name="李四").get_by_label("请假", exact=True).check()
    page.get_by_role("group", name="李四").locator("summary").click()
    page.get_by_label("请假事由：李四").fill("外出务工")
    page.get_by_role("group", name="王五").get_by_label("缺席").check()
    save = page.get_by_role("button", name="保存出席名单")
    box = save.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    fits_the_phone(page)
    assert_accessible(page, "the attendance page")
    page.screenshot(path=artifacts_dir / "attendance-phone.png", full_page=True)
    with page.expect_navigation():
        save.click()

    expect(page.get_by_role("status").first).to_contain_text("应到 4 人，实到 2 人")
    expect(page.locator("main")).to_contain_text("请假 1 人，缺席 1 人（按名单）")
    assert_accessible(page, "the record's page")
    page.screenshot(path=artifacts_dir / "attendance-record-phone.png", full_page=True)
    record = OrgLifeRecord.objects.get(held_on=last_month_day)
    assert (record.kind, record.expected, record.present, record.recorded_by) == (
        "theme_day",
        4,
        2,
        sam,
    )
    leave = record.attendance.get(member=people["李四"])
    assert (leave.status, leave.reason) == ("leave", "外出务工")
    assert record.attendance.get(member=people["王五"]).status == "absent"

    page.goto(health)
    expect(page.locator("main")).not_to_contain_text("张三")

    # The branch's 党小组 page, where the secretary sets groups up.
    page.goto(f"{live_server.url}/members/groups/A1/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("党小组")
    fits_the_phone(page)
    assert_accessible(page, "the groups page")
