"""The village collective-economy figures and page."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.urls import reverse

from accounts.models import User
from core.importing import run_import
from funding.resources import EconomyRecordResource
from funding.selectors.economy import economy_figures, economy_rows, missing_villages
from tests.factories import make_org
from tests.helpers import ECONOMY_HEADERS, economy_row


def add_records(*rows: dict) -> None:
    """Records enter as staff enter them: through the economy import."""
    dataset = tablib.Dataset(
        *[[r[h] for h in ECONOMY_HEADERS] for r in rows], headers=ECONOMY_HEADERS
    )
    report = run_import(EconomyRecordResource(source="test"), dataset)
    assert report.ok, [str(e) for e in report.errors]


def income(org: str, year: int, total: str, operating: str | None = None) -> dict:
    """A record whose 经营性收入 (the income the bands judge) is the total unless given."""
    operating = total if operating is None else operating
    return economy_row(
        org, str(year), **{"集体经济总收入（万元）": total, "经营性收入（万元）": operating}
    )


@pytest.fixture
def villages(tree):
    """Four villages under A besides A1/A2 … enough for the threshold edges."""
    extra = {code: make_org(tree["A"], code=code, name=f"{code}村支部") for code in ("A3", "A4")}
    return {**tree, **extra}


def login(client, username):
    client.force_login(User.objects.get(username=username))


# --- figures ----------------------------------------------------------------------------
def test_counts_at_the_threshold_edges(villages):
    add_records(
        income("A1", 2025, "0"),
        income("A2", 2025, "0.01"),
        income("A3", 2025, "5.00"),
        income("A4", 2025, "5.01"),
    )
    figures = economy_figures(org=villages["A"], year=2025)
    assert figures.records == 4
    assert figures.weak == 1  # only 0 is a 空壳村
    assert figures.strong == 2  # 5.00 and 5.01: "5 万元以上" includes 5 万元
    assert figures.normal == 1
    assert figures.total == Decimal("10.02")
    bands = {r.organization.code: r.band for r in economy_rows(org=villages["A"], year=2025)}
    assert bands == {"A1": "weak", "A2": "normal", "A3": "strong", "A4": "strong"}


def test_thresholds_come_from_settings(villages, settings):
    settings.ECONOMY_STRONG_THRESHOLD_WAN = 10
    settings.ECONOMY_WEAK_THRESHOLD_WAN = "0.01"
    add_records(
        income("A1", 2025, "0.01"),
        income("A2", 2025, "9.99"),
        income("A3", 2025, "10"),
        income("A4", 2025, "10.5"),
    )
    figures = economy_figures(org=villages["A"], year=2025)
    assert (figures.weak, figures.strong, figures.normal) == (1, 2, 1)


def test_year_over_year_per_village_and_in_total(villages):
    add_records(
        income("A1", 2024, "4"),
        income("A1", 2025, "6.5"),
        income("A2", 2024, "3"),
        income("A2", 2025, "1"),
        income("A3", 2025, "2"),  # new this year: no change to show
        income("B1", 2024, "100"),  # another subtree: not counted
    )
    rows = {r.organization.code: r for r in economy_rows(org=villages["A"], year=2025)}
    assert rows["A1"].previous_income == Decimal("4")
    assert rows["A1"].change == Decimal("2.5")
    assert rows["A2"].change == Decimal("-2")
    assert rows["A3"].previous_income is None
    assert rows["A3"].change is None
    figures = economy_figures(org=villages["A"], year=2025)
    assert figures.total == Decimal("9.5")
    assert figures.previous_total == Decimal("7")
    assert figures.change == Decimal("2.5")
    assert figures.change_rate == Decimal("35.7")
    assert economy_figures(org=villages["A"], year=2024).change is None


def test_villages_without_a_record_are_listed(villages):
    # A community reports as a village does; a branch of a village does not.
    make_org(villages["A"], code="A5", name="甲五社区", domain="community")
    make_org(villages["A1"], code="A1-1", name="甲一村第一支部")
    add_records(income("A1", 2025, "3"), income("A3", 2025, "3"))
    missing = [o.code for o in missing_villages(org=villages["A"], year=2025)]
    assert missing == ["A2", "A4", "A5"]
    figures = economy_figures(org=villages["A"], year=2025)
    assert (figures.villages, figures.reported, figures.missing) == (5, 2, 3)
    assert [o.code for o in missing_villages(org=villages["C"], year=2025)] == [
        "A2",
        "A4",
        "A5",
        "B1",
    ]


def test_figures_take_a_constant_number_of_queries(villages, django_assert_num_queries):
    add_records(*(income(code, 2025, "1") for code in ("A1", "A2", "A3", "A4", "B1")))
    with django_assert_num_queries(2):
        economy_figures(org=villages["C"], year=2025)


# --- page -------------------------------------------------------------------------------
@pytest.fixture
def records(villages):
    add_records(
        income("A1", 2024, "4"),
        income("A1", 2025, "6"),
        income("A2", 2025, "0"),
        income("B1", 2025, "8"),
    )


def test_the_page_shows_counts_changes_and_missing_villages(client, records, bob):
    login(client, "bob")
    response = client.get(reverse("funding:economy"))
    assert response.context["org"].code == "A"
    assert response.context["year"] == 2025
    page = response.content.decode()
    assert "甲一村支部" in page
    assert "甲二村支部" in page
    assert "乙一村支部" not in page
    assert "+2.00" in page  # A1: 4 → 6
    assert "空壳村" in page
    assert "2 个村（社区）未填报 2025 年度记录" in page  # A3, A4
    assert "A3村支部" in page
    assert "A4村支部" in page
    figures = response.context["figures"]
    assert (figures.records, figures.weak, figures.strong) == (2, 1, 1)


def test_another_year_and_subtree_can_be_chosen(client, records, bob):
    login(client, "bob")
    response = client.get(reverse("funding:economy"), {"org": "A1", "year": "2024"})
    assert response.context["org"].code == "A1"
    assert response.context["year"] == 2024
    assert [r.organization.code for r in response.context["page"].object_list] == ["A1"]


def test_an_outsider_cannot_choose_another_subtree(client, records, charlie):
    login(client, "charlie")
    response = client.get(reverse("funding:economy"), {"org": "A"})
    assert "org" in response.context["form"].errors
    assert response.context["org"].code == "B"
    page = response.content.decode()
    assert "甲一村支部" not in page
    assert "乙一村支部" in page


def test_the_secretary_sees_only_her_village(client, records, sam):
    login(client, "sam")
    response = client.get(reverse("funding:economy"), {"org": "A"})
    assert response.context["org"].code == "A1"
    assert [r.organization.code for r in response.context["page"].object_list] == ["A1"]
    assert "甲二村支部" not in response.content.decode()


def test_the_table_sorts_by_change(client, records, alice):
    login(client, "alice")
    rows = client.get(reverse("funding:economy"), {"org": "C", "sort": "-change"}).context["page"]
    assert [r.organization.code for r in rows.object_list] == ["A1", "A2", "B1"]
    rows = client.get(reverse("funding:economy"), {"org": "C", "sort": "-income"}).context["page"]
    assert [r.organization.code for r in rows.object_list] == ["B1", "A1", "A2"]


def test_the_page_answers_with_a_constant_number_of_queries(
    client, villages, alice, django_assert_max_num_queries
):
    for i in range(40):
        make_org(villages["B"], code=f"B{i + 10}")
    add_records(*(income(f"B{i + 10}", 2025, str(i)) for i in range(30)))
    login(client, "alice")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("funding:economy"), {"org": "C", "year": "2025"})
    assert response.context["figures"].missing == 15  # A1–A4, B1 and B40–B49
    assert len(response.context["missing"]) == response.context["figures"].missing


def test_export_is_scoped(client, records, bob, charlie):
    login(client, "bob")
    response = client.get(reverse("funding:economy_export"), {"org": "A", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    orgs = sorted({row[1] for row in sheet.iter_rows(min_row=2, values_only=True)})
    assert orgs == ["A1", "A2"]
    login(client, "charlie")
    assert client.get(reverse("funding:economy_export"), {"org": "A"}).status_code == 404
    csv = client.get(reverse("funding:economy_export"), {"format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert "B1" in csv
    assert "A1" not in csv


def test_a_user_without_any_scope_sees_an_empty_page(client, db):
    user = User.objects.create_user("nobody", password="pw-for-tests-1")
    client.force_login(user)
    response = client.get(reverse("funding:economy"))
    assert response.status_code == 200
    assert response.context["org"] is None
    assert client.get(reverse("funding:economy_export")).status_code == 404
