"""A village secretary records a branch assembly on a phone.

Story: Sam is the secretary of village A1 (3 members). After the branch assembly he opens
the portal on his phone (390 px wide), goes to his branch's organisation life page, taps
"录入组织生活", picks 支部党员大会, keeps today's date, types the topic, finds 应到 already
filled with 3, unticks the names (heads only this time), enters 实到 2, attaches the photo he
took, saves, and sees the meeting at the top of the list with a success message. The photo
is on the record's page.
"""

from __future__ import annotations

from playwright.sync_api import expect

from orgs.models import OrgLifeRecord
from tests.factories import make_member
from tests.test_org_life_services import png_bytes

PHONE = {"width": 390, "height": 844}


def test_secretary_records_a_meeting_with_a_photo_on_a_phone(
    live_server, sam, tree, login, page, artifacts_dir
):
    for seq in range(3):
        make_member(tree["A1"], seq=seq + 1)
    page.set_viewport_size(PHONE)
    login("sam")

    page.goto(f"{live_server.url}/orgs/A1/life/")
    expect(page.get_by_role("heading", level=1, name="甲一村支部 · 组织生活")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="录入组织生活").first.click()
    expect(page.get_by_role("heading", level=1, name="录入组织生活")).to_be_visible()

    page.get_by_label("会议类型").select_option(label="支部党员大会")
    page.get_by_label("主题").fill("学习贯彻党的二十大精神")
    expect(page.get_by_label("应到人数")).to_have_value("3")
    # Heads only this time: the names are the other journey (test_named_attendance_journey).
    page.get_by_label("保存后按名单登记出席情况").uncheck()
    page.get_by_label("实到人数").fill("2")
    page.get_by_label("会议记录").fill("传达学习，讨论本村发展。")
    page.get_by_label("选择照片或文件（可多选）").set_input_files(
        {"name": "会场.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    save = page.get_by_role("button", name="保存")
    box = save.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=artifacts_dir / "life-entry-phone.png", full_page=True)
    with page.expect_navigation():
        save.click()

    expect(page).to_have_url(f"{live_server.url}/orgs/A1/life/")
    expect(page.get_by_role("status").first).to_contain_text("已录入支部党员大会")
    records = page.get_by_role("table", name="组织生活记录，最新的在前")
    first_row = records.locator("tbody tr").first
    expect(first_row).to_contain_text("学习贯彻党的二十大精神")
    expect(first_row).to_contain_text("2 / 3")
    page.screenshot(path=artifacts_dir / "life-list-phone.png", full_page=True)

    with page.expect_navigation():
        first_row.get_by_role("link", name="学习贯彻党的二十大精神").click()
    thumb = page.get_by_role("img", name="会场.png")
    expect(thumb).to_be_visible()
    # Visible comes before loaded (under load, long before): wait for the picture itself,
    # then check it is the 1×1 PNG the scoped file view served.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    assert thumb.evaluate("img => img.naturalWidth") == 1
    page.screenshot(path=artifacts_dir / "life-record-phone.png", full_page=True)
    record = OrgLifeRecord.objects.get()
    assert (record.kind, record.expected, record.present, record.recorded_by) == (
        "branch_assembly",
        3,
        2,
        sam,
    )
    assert record.attachments.get().content_type == "image/png"
