"""Staff record a disbursement and see the execution rate change.

Story: Bob works in township A's organisation department. Village A1 has a work-fund line
of 80,000 元 this year, of which 20,000 元 has been paid out; village A2 has 20,000 元 not
yet paid. Bob opens the funding page (township A: 20 % executed), drills down to A1, opens
the line, records a second instalment of 20,000 元, sees the line at 50 %, and back on the
funding page sees the township at 40 %.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from funding.models import FundLine
from funding.services.funds import disbursement_record


def test_staff_record_a_disbursement_and_see_the_execution_rate_change(
    live_server, bob, tree, login, page, artifacts_dir
):
    year = timezone.localdate().year
    line = FundLine.objects.create(
        code="F-A1-WORK",
        year=year,
        organization=tree["A1"],
        category="work",
        source="fiscal",
        budget=Decimal("80000"),
    )
    disbursement_record(
        user=bob, fund=line, amount=Decimal("20000"), paid_on=datetime.date(year, 1, 1)
    )
    FundLine.objects.create(
        code="F-A2-WORK",
        year=year,
        organization=tree["A2"],
        category="work",
        source="fiscal",
        budget=Decimal("20000"),
    )

    login("bob")
    page.goto(f"{live_server.url}/funding/")
    expect(page.get_by_role("heading", level=1, name="党建经费")).to_be_visible()
    expect(page.locator("#execution-rate .stat__value")).to_have_text("20.0%")
    children = page.get_by_role("table", name="各下级组织的预算、已拨付和执行率")
    expect(children.get_by_role("row", name="甲一村支部")).to_contain_text("25.0%")
    page.screenshot(path=artifacts_dir / "funding-overview.png", full_page=True)

    # Drill down to the village, then open its line.
    with page.expect_navigation():
        children.get_by_role("link", name="甲一村支部").click()
    with page.expect_navigation():
        page.get_by_role("link", name="F-A1-WORK", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="经费 F-A1-WORK")).to_be_visible()
    expect(page.locator("#execution-rate .stat__value")).to_have_text("25.0%")

    form = page.locator("form:has(input[name=amount])")
    form.get_by_label("拨付金额（元）").fill("20000")
    form.get_by_label("说明").fill("第二批")
    with page.expect_navigation():
        form.get_by_role("button", name="登记拨付").click()
    expect(page.get_by_role("status")).to_contain_text("已登记拨付 20,000.00 元。")
    expect(page.locator("#execution-rate .stat__value")).to_have_text("50.0%")
    expect(page.get_by_role("cell", name="第二批")).to_be_visible()
    page.screenshot(path=artifacts_dir / "funding-line.png", full_page=True)

    page.goto(f"{live_server.url}/funding/")
    expect(page.locator("#execution-rate .stat__value")).to_have_text("40.0%")
    expect(children.get_by_role("row", name="甲一村支部")).to_contain_text("50.0%")
    line.refresh_from_db()
    assert line.disbursed == Decimal("40000.00")
