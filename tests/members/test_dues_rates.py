"""Dues rates: every bracket edge of DOMAIN.md, pensioners, farmers and the minimum."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from members.dues.rates import basis_for, dues_for, figures_for
from members.models import DuesBasis, DuesBracket
from tests.factories import make_member

D = Decimal


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("base", "rate", "due"),
    [
        ("0.00", "0.5", "0.00"),
        ("2000.00", "0.5", "10.00"),
        ("3000.00", "0.5", "15.00"),
        ("3000.01", "1.0", "30.00"),
        ("4999.99", "1.0", "50.00"),
        ("5000.00", "1.0", "50.00"),
        ("5000.01", "1.5", "75.00"),
        ("10000.00", "1.5", "150.00"),
        ("10000.01", "2.0", "200.00"),
        ("25000.00", "2.0", "500.00"),
    ],
)
def test_salary_brackets_and_their_edges(base, rate, due):
    assert dues_for(basis=DuesBasis.SALARY, base=D(base)) == (D(rate), D(due))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("base", "rate", "due"),
    [
        ("3000.00", "0.5", "15.00"),
        ("5000.00", "0.5", "25.00"),
        ("5000.01", "1.0", "50.00"),
        ("8000.00", "1.0", "80.00"),
    ],
)
def test_retired_brackets_and_their_edge(base, rate, due):
    assert dues_for(basis=DuesBasis.RETIRED, base=D(base)) == (D(rate), D(due))


@pytest.mark.django_db
def test_amounts_are_rounded_to_the_fen_half_up():
    # 3333.33 × 1 % = 33.3333 → 33.33; 3001.50 × 1 % = 30.015 → 30.02 (half up, not even)
    assert dues_for(basis=DuesBasis.SALARY, base=D("3333.33"))[1] == D("33.33")
    assert dues_for(basis=DuesBasis.SALARY, base=D("3001.50"))[1] == D("30.02")
    assert dues_for(basis=DuesBasis.SALARY, base=D("1001.00"))[1] == D("5.01")  # 5.005


@pytest.mark.django_db
def test_farmers_pay_the_minimum_or_any_amount_in_their_range():
    assert dues_for(basis=DuesBasis.FARMER, base=None) == (None, D("0.20"))
    assert dues_for(basis=DuesBasis.FARMER, base=None, amount=D("0.50")) == (None, D("0.50"))
    assert dues_for(basis=DuesBasis.FARMER, base=None, amount=D("1.00")) == (None, D("1.00"))
    # Outside the range nothing is refused: above it the highest is due (the rest is
    # voluntary), below it the lowest (the month is short).
    assert dues_for(basis=DuesBasis.FARMER, base=None, amount=D("1.01")) == (None, D("1.00"))
    assert dues_for(basis=DuesBasis.FARMER, base=None, amount=D("0.10")) == (None, D("0.20"))


@pytest.mark.django_db
def test_students_and_members_on_subsistence_pay_the_minimum(tree):
    student = make_member(tree["A1"], job="student")
    hardship = make_member(
        tree["A1"], job="worker", is_in_hardship=True, hardship_kind="subsistence"
    )
    assert basis_for(student) == basis_for(hardship) == DuesBasis.MINIMUM
    assert dues_for(basis=DuesBasis.MINIMUM, base=D("8000")) == (None, D("0.20"))
    # Paying more is voluntary and allowed; the amount due stays the minimum.
    assert dues_for(basis=DuesBasis.MINIMUM, base=None, amount=D("3.00")) == (None, D("0.20"))


@pytest.mark.django_db
def test_basis_follows_the_job(tree):
    assert basis_for(make_member(tree["A1"], job="retired")) == DuesBasis.RETIRED
    assert basis_for(make_member(tree["A1"], job="farmer")) == DuesBasis.FARMER
    assert basis_for(make_member(tree["A1"], job="civil_servant")) == DuesBasis.SALARY
    # A retired member in hardship still pays on the pension table.
    retired = make_member(
        tree["A1"], job="retired", is_in_hardship=True, hardship_kind="subsistence"
    )
    assert basis_for(retired) == "retired"


@pytest.mark.django_db
def test_a_percentage_basis_needs_a_base():
    with pytest.raises(ValidationError) as exc:
        dues_for(basis=DuesBasis.SALARY, base=None)
    assert "缴费基数" in exc.value.message_dict["base"][0]
    with pytest.raises(ValidationError):
        dues_for(basis=DuesBasis.SALARY, base=D("-1"))


@pytest.mark.django_db
def test_brackets_are_configuration():
    DuesBracket.objects.filter(basis="salary", upper_limit=D("3000.00")).update(rate=D("0.8"))
    assert dues_for(basis=DuesBasis.SALARY, base=D("3000.00")) == (D("0.8"), D("24.00"))
    # Brackets passed in are used as given, in limit order whatever order they come in.
    brackets = [
        DuesBracket(basis="salary", upper_limit=None, rate=D("3")),
        DuesBracket(basis="salary", upper_limit=D("100"), rate=D("1")),
    ]
    assert dues_for(basis="salary", base=D("100"), brackets=brackets) == (D("1"), D("1.00"))
    assert dues_for(basis="salary", base=D("100.01"), brackets=brackets) == (D("3"), D("3.00"))


@pytest.mark.django_db
def test_a_basis_without_brackets_is_reported():
    DuesBracket.objects.filter(basis="retired").delete()
    with pytest.raises(ValidationError) as exc:
        dues_for(basis=DuesBasis.RETIRED, base=D("3000"))
    assert "尚未配置" in exc.value.message_dict["base"][0]


@pytest.mark.django_db
def test_figures_check_dates_and_the_payment(tree):
    member = make_member(tree["A1"], job="worker")
    month = datetime.date(2024, 3, 1)
    today = datetime.date(2024, 6, 15)
    ok = figures_for(
        member=member, month=month, base=D("4000"), amount_paid=D("40"),
        paid_on=datetime.date(2024, 3, 5), today=today,
    )  # fmt: skip
    assert (ok.basis, ok.rate, ok.amount_due, ok.amount_paid) == (
        "salary",
        D("1.0"),
        D("40.00"),
        D("40"),
    )
    cases = [
        ({"amount_paid": D("40"), "paid_on": None}, "paid_on", "缴纳日期"),
        ({"amount_paid": D("0"), "paid_on": datetime.date(2024, 3, 5)}, "paid_on", "为 0"),
        ({"paid_on": datetime.date(2024, 7, 1)}, "paid_on", "不能晚于今天"),
        ({"month": datetime.date(2024, 7, 1)}, "month", "不能晚于本月"),
        ({"month": datetime.date(2005, 6, 1)}, "month", "入党日期"),
    ]
    for overrides, key, fragment in cases:
        values = {
            "member": member, "month": month, "base": D("4000"), "amount_paid": D("40"),
            "paid_on": datetime.date(2024, 3, 5), "today": today,
        }  # fmt: skip
        values.update(overrides)
        with pytest.raises(ValidationError) as exc:
            figures_for(**values)
        assert fragment in " ".join(exc.value.message_dict[key]), (overrides, exc.value)


@pytest.mark.django_db
def test_a_base_typed_for_a_fixed_amount_member_is_ignored(tree):
    farmer = make_member(tree["A1"], job="farmer")
    figures = figures_for(
        member=farmer, month=datetime.date(2024, 3, 1), base=D("3000"), amount_paid=D("1.00"),
        paid_on=datetime.date(2024, 3, 2), today=datetime.date(2024, 4, 1),
    )  # fmt: skip
    assert (figures.base, figures.rate, figures.amount_due) == (None, None, D("1.00"))


# --- the brackets in the admin: county staff only -------------------------------------
def bracket_form(bracket, **changes):
    data = {
        "basis": bracket.basis,
        "upper_limit": bracket.upper_limit or "",
        "rate": bracket.rate if bracket.rate is not None else "",
        "fixed_amount": bracket.fixed_amount if bracket.fixed_amount is not None else "",
        "max_fixed_amount": bracket.max_fixed_amount or "",
    }
    data.update(changes)
    return data


def test_county_staff_change_a_bracket_with_history(client, alice):
    from django.urls import reverse

    bracket = DuesBracket.objects.get(basis="salary", upper_limit=D("3000.00"))
    client.force_login(alice)
    url = reverse("admin:members_duesbracket_change", args=[bracket.pk])
    response = client.post(url, bracket_form(bracket, rate="0.6"))
    assert response.status_code == 302, response.content.decode()[:2000]
    bracket.refresh_from_db()
    assert bracket.rate == D("0.60")
    assert bracket.history.first().history_user == alice
    response = client.post(url, bracket_form(bracket, rate="0.6", fixed_amount="1"))
    assert "只填写其中一项" in response.content.decode()


def test_township_staff_and_secretaries_cannot_change_brackets(client, bob, sam):
    from django.urls import reverse

    bracket = DuesBracket.objects.get(basis="salary", upper_limit=D("3000.00"))
    url = reverse("admin:members_duesbracket_change", args=[bracket.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 200  # read-only view
    client.post(url, bracket_form(bracket, rate="9"))
    assert (
        client.post(reverse("admin:members_duesbracket_add"), bracket_form(bracket)).status_code
        == 403
    )
    client.force_login(sam)
    assert client.get(url).status_code in (302, 403)
    bracket.refresh_from_db()
    assert bracket.rate == D("0.50")
