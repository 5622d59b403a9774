"""Recording instalments on a line's page and deleting one entered by mistake."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Disbursement, FundLine

YEAR = 2025


@pytest.fixture
def line(tree):
    return FundLine.objects.create(
        code="F-A1",
        year=YEAR,
        organization=tree["A1"],
        category="work",
        source="fiscal",
        budget=Decimal("80000"),
    )


def url(line):
    return reverse("funding:line", args=[line.code])


def record(client, line, amount, paid_on="2025-04-01", note=""):
    return client.post(url(line), {"amount": amount, "paid_on": paid_on, "note": note})


def delete_url(line, instalment):
    return reverse("funding:disbursement_delete", args=[line.code, instalment.pk])


def test_staff_record_instalments_and_the_total_and_rate_follow(client, bob, line):
    client.force_login(bob)
    response = record(client, line, "20000", note="第一批")
    assert response.status_code == 302
    assert response["Location"] == url(line)
    response = record(client, line, "30000.50", paid_on="2025-06-30")
    line.refresh_from_db()
    assert line.disbursed == Decimal("50000.50")
    assert line.execution_rate == Decimal("62.5")
    assert [(d.amount, d.recorded_by) for d in line.disbursements.all()] == [
        (Decimal("20000.00"), bob),
        (Decimal("30000.50"), bob),
    ]
    body = client.get(url(line)).content.decode()
    assert "已登记拨付 30,000.50 元。" in body
    assert "62.5%" in body
    assert "第一批" in body


def test_every_instalment_is_in_the_lines_history_with_the_acting_user(client, bob, line):
    client.force_login(bob)
    record(client, line, "20000")
    latest = line.history.first()
    assert (latest.history_user, latest.disbursed) == (bob, Decimal("20000.00"))
    assert latest.history_change_reason == "登记拨付 20,000.00 元"
    assert Disbursement.history.get().history_user == bob


def test_an_instalment_over_the_budget_is_refused_with_the_amount_left(client, bob, line):
    client.force_login(bob)
    record(client, line, "70000")
    response = record(client, line, "10000.01")
    assert response.status_code == 200
    assert "超出预算：预算 80,000.00 元，已拨付 70,000.00 元，本次最多可拨付 10,000.00 元。" in (
        response.content.decode()
    )
    line.refresh_from_db()
    assert line.disbursed == Decimal("70000.00")
    assert line.disbursements.count() == 1
    assert record(client, line, "10000").status_code == 302  # exactly the rest is fine
    line.refresh_from_db()
    assert line.execution_rate == Decimal("100.0")


@pytest.mark.parametrize(
    ("amount", "paid_on", "message"),
    [
        ("", "2025-04-01", "拨付金额（元）：请填写。"),
        ("abc", "2025-04-01", "拨付金额（元）：应为数字，如 20000 或 20000.50。"),
        ("0", "2025-04-01", "拨付金额（元）：应大于 0。"),
        ("10.001", "2025-04-01", "拨付金额（元）：最多两位小数。"),
        ("100", "", "拨付日期：请填写。"),
        ("100", "2025-13-01", "拨付日期：格式应为 YYYY-MM-DD"),
        ("100", "2023-12-31", "拨付日期：拨付日期不能早于经费年度的上一年（2024 年）。"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(client, bob, line, amount, paid_on, message):
    client.force_login(bob)
    response = record(client, line, amount, paid_on=paid_on)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Disbursement.objects.exists()


def test_a_date_in_the_future_is_refused(client, bob, line):
    client.force_login(bob)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = record(client, line, "100", paid_on=tomorrow.isoformat())
    assert "拨付日期：不能晚于今天。" in response.content.decode()
    assert not Disbursement.objects.exists()


def test_deleting_asks_first_then_recomputes_the_total(client, bob, line):
    client.force_login(bob)
    record(client, line, "20000")
    record(client, line, "30000")
    mistake = line.disbursements.get(amount=Decimal("30000"))
    response = client.get(delete_url(line, mistake))
    assert response.status_code == 200
    assert "确定删除这笔拨付吗？" in response.content.decode()
    assert line.disbursements.count() == 2  # nothing happens before the confirmation
    response = client.post(delete_url(line, mistake))
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.disbursed == Decimal("20000.00")
    assert line.execution_rate == Decimal("25.0")
    assert line.history.first().history_change_reason == "删除拨付记录 30,000.00 元"
    assert line.history.first().history_user == bob
    deleted = Disbursement.history.filter(history_type="-").get()
    assert (deleted.history_user, deleted.amount) == (bob, Decimal("30000.00"))
    assert "删除拨付记录 30,000.00 元" in client.get(url(line)).content.decode()


def test_outsiders_and_readers_cannot_delete(client, bob, charlie, sam, leo, line):
    client.force_login(bob)
    record(client, line, "20000")
    instalment = line.disbursements.get()
    client.force_login(charlie)
    assert client.get(delete_url(line, instalment)).status_code == 404
    assert client.post(delete_url(line, instalment)).status_code == 404
    for reader in (sam, leo):
        client.force_login(reader)
        assert client.get(delete_url(line, instalment)).status_code == 403
        assert client.post(delete_url(line, instalment)).status_code == 403
    assert line.disbursements.count() == 1


def test_an_instalment_of_another_line_is_not_found_under_this_one(client, alice, tree, line):
    other = FundLine.objects.create(
        code="F-B1",
        year=YEAR,
        organization=tree["B1"],
        category="work",
        source="fiscal",
        budget=Decimal("1000"),
    )
    client.force_login(alice)
    record(client, other, "100")
    instalment = other.disbursements.get()
    assert client.post(delete_url(line, instalment)).status_code == 404
    assert other.disbursements.count() == 1


def test_a_fully_disbursed_line_offers_no_form(client, bob, line):
    client.force_login(bob)
    record(client, line, "80000")
    body = client.get(url(line)).content.decode()
    assert "预算已全部拨付。" in body
    assert 'name="amount"' not in body
