"""The funding page, a line's page and the export: figures, drill-down, scope, queries."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import Disbursement, FundLine
from funding.services.funds import disbursement_record
from tests.factories import make_org

YEAR = 2025
INDEX = reverse("funding:index")


def make_line(org, code, budget, *, paid="0", category="work", source="fiscal", year=YEAR):
    line = FundLine.objects.create(
        code=code,
        year=year,
        organization=org,
        category=category,
        source=source,
        budget=Decimal(budget),
    )
    if Decimal(paid):
        disbursement_record(
            user=None, fund=line, amount=Decimal(paid), paid_on=datetime.date(year, 3, 1)
        )
    return line


@pytest.fixture
def lines(tree):
    return {
        "A1": make_line(tree["A1"], "F-A1", "80000", paid="20000"),
        "A2": make_line(tree["A2"], "F-A2", "60000", category="activity", source="dues_return"),
        "B1": make_line(tree["B1"], "F-B1", "90000", paid="90000"),
    }


def page(client, user, **params):
    client.force_login(user)
    return client.get(INDEX, params)


def test_staff_see_their_top_organisation_and_its_children(client, bob, lines):
    response = page(client, bob, year=YEAR)
    assert response.status_code == 200
    assert response.context["org"].code == "A"
    assert response.context["totals"].budget == Decimal("140000")
    assert response.context["totals"].rate == Decimal("14.3")
    body = response.content.decode()
    assert "甲一村支部" in body
    assert "甲二村支部" in body
    assert "乙" not in body
    assert f"?org=A1&amp;year={YEAR}" in body  # the drill-down link
    # Rates are written out, the bar is decoration only.
    assert "25.0%" in body
    assert 'aria-hidden="true"' in body
    assert "140,000.00" in body


def test_the_year_defaults_to_the_current_one(client, bob, lines):
    response = page(client, bob)
    assert response.context["year"] == timezone.localdate().year
    assert response.context["totals"].lines == 0
    response = page(client, bob, year="abc")
    assert response.context["year"] == timezone.localdate().year
    assert "年度应为 2000–2100 之间的数字" in response.content.decode()


def test_drilling_down_to_a_village_shows_its_own_lines(client, bob, lines):
    response = page(client, bob, org="A1", year=YEAR)
    body = response.content.decode()
    assert response.context["children"] == []
    assert reverse("funding:line", args=["F-A1"]) in body
    assert "F-A2" not in body
    assert [a.code for a in response.context["ancestors"]] == ["A"]  # not C: outside his scope


def test_the_breakdowns_and_the_warnings_of_the_subtree_are_shown(client, alice, lines):
    response = page(client, alice, year=YEAR)
    by_source = {row.key: row.totals.budget for row in response.context["by_source"]}
    assert by_source["dues_return"] == Decimal("60000")
    by_category = {row.key: row.totals.budget for row in response.context["by_category"]}
    assert by_category["activity"] == Decimal("60000")
    body = response.content.decode()
    assert "低于村级组织工作经费标准" in body
    assert "未登记 2024 年一般公共预算收入" in body
    assert reverse("admin:funding_fiscalrevenue_add") in body


def test_an_organisation_outside_the_scope_is_not_found(client, bob, charlie, lines):
    assert page(client, bob, org="B").status_code == 404
    assert page(client, bob, org="C").status_code == 404
    assert page(client, charlie, org="A1").status_code == 404
    assert page(client, bob, org="NOPE").status_code == 404


def test_the_secretary_and_the_leader_read_but_are_not_offered_changes(client, sam, leo, lines):
    response = page(client, sam, year=YEAR)
    assert response.context["org"].code == "A1"
    assert "录入与导入经费" not in response.content.decode()
    response = page(client, leo, year=YEAR)
    assert response.context["totals"].budget == Decimal("230000")
    assert "登记财政收入" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client, tree):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_without_assignments_sees_an_empty_state(client, tree, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="pw-for-tests-1")
    client.force_login(nobody)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert "还没有可查看的党组织" in response.content.decode()


# --- a line's page ---------------------------------------------------------------------------


def line_url(code):
    return reverse("funding:line", args=[code])


def test_a_line_shows_its_instalments_and_history(client, bob, lines):
    client.force_login(bob)
    response = client.get(line_url("F-A1"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "2025-03-01" in body
    assert "20,000.00" in body
    assert "25.0%" in body
    assert "登记拨付 20,000.00 元" in body  # the history's reason
    assert "登记一笔拨付" in body


def test_a_budget_change_is_in_the_lines_history_in_yuan(client, bob, lines):
    line = lines["A1"]
    line.budget = Decimal("90000")
    line._history_user = bob
    line._change_reason = "追加预算"
    line.save()
    client.force_login(bob)
    body = client.get(line_url("F-A1")).content.decode()
    assert "预算金额（元）：80,000.00 → 90,000.00" in body
    assert "追加预算" in body


def test_an_instalment_shows_the_new_disbursed_total_in_the_lines_history(client, bob, lines):
    client.force_login(bob)
    body = client.get(line_url("F-A1")).content.decode()
    # The total is kept on the row by the instalment service, not edited in a form.
    assert "已拨付金额（元）：0.00 → 20,000.00" in body


def test_an_outsider_cannot_open_a_line_nor_record_a_disbursement(client, charlie, lines):
    client.force_login(charlie)
    assert client.get(line_url("F-A1")).status_code == 404
    response = client.post(line_url("F-A1"), {"amount": "100", "paid_on": "2025-04-01"})
    assert response.status_code == 404
    assert FundLine.objects.get(code="F-A1").disbursed == Decimal("20000")


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_readers_see_a_line_but_cannot_record(client, request, reader, lines):
    client.force_login(request.getfixturevalue(reader))
    response = client.get(line_url("F-A1"))
    assert response.status_code == 200
    assert "登记一笔拨付" not in response.content.decode()
    response = client.post(line_url("F-A1"), {"amount": "100", "paid_on": "2025-04-01"})
    assert response.status_code == 403
    assert Disbursement.objects.filter(fund__code="F-A1").count() == 1


def test_the_secretary_of_a1_cannot_open_a2s_line(client, sam, lines):
    client.force_login(sam)
    assert client.get(line_url("F-A2")).status_code == 404


# --- export ----------------------------------------------------------------------------------


def exported_codes(response):
    text = response.content.decode("utf-8-sig")
    return sorted(row["经费编号"] for row in csv.DictReader(io.StringIO(text)))


def test_the_export_holds_the_chosen_subtree_only(client, bob, charlie, lines):
    client.force_login(bob)
    response = client.get(reverse("funding:export"), {"format": "csv"})
    assert response.status_code == 200
    assert 'filename="funds-A-' in response["Content-Disposition"]
    assert exported_codes(response) == ["F-A1", "F-A2"]
    response = client.get(reverse("funding:export"), {"format": "csv", "org": "A2"})
    assert exported_codes(response) == ["F-A2"]
    assert client.get(reverse("funding:export"), {"format": "xlsx"}).status_code == 200
    assert client.get(reverse("funding:export"), {"format": "pdf"}).status_code == 404
    client.force_login(charlie)
    assert client.get(reverse("funding:export"), {"org": "A"}).status_code == 404


# --- queries ---------------------------------------------------------------------------------


def grow(tree, count):
    for i in range(count):
        village = make_org(tree["A"], code=f"V{i:02d}")
        make_line(village, f"F-V{i:02d}", "1000", paid="10")
        make_line(tree["A"], f"F-A-{i:02d}", "500", category="education")


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [1, 30])
def test_the_funding_page_takes_a_bounded_number_of_queries(
    client, alice, tree, count, django_assert_max_num_queries
):
    grow(tree, count)
    client.force_login(alice)
    with django_assert_max_num_queries(25):
        client.get(INDEX, {"year": YEAR, "org": "A"})


def test_the_funding_page_queries_do_not_grow_with_the_lines(client, alice, tree):
    client.force_login(alice)
    grow(tree, 1)
    small = count_queries(client, INDEX, {"year": YEAR, "org": "A"})
    grow_more = 29
    for i in range(grow_more):
        village = make_org(tree["A"], code=f"W{i:02d}")
        make_line(village, f"F-W{i:02d}", "1000", paid="10")
        make_line(tree["A"], f"F-AW-{i:02d}", "500", category="education")
    assert count_queries(client, INDEX, {"year": YEAR, "org": "A"}) == small
    assert count_queries(client, INDEX, {"year": YEAR}) <= small + 1  # the county: its parent


def test_a_lines_page_queries_do_not_grow_with_its_instalments(client, alice, tree):
    line = make_line(tree["A1"], "F-MANY", "100000", paid="10")
    client.force_login(alice)
    one = count_queries(client, line_url("F-MANY"))
    for day in range(2, 31):
        disbursement_record(
            user=alice, fund=line, amount=Decimal("10"), paid_on=datetime.date(YEAR, 4, day)
        )
    assert count_queries(client, line_url("F-MANY")) == one
