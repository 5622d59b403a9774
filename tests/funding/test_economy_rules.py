"""Collective economy as the regulations write it: "5 万元以上" includes 5 万元, a 空壳村 is
judged on 经营性收入 (configurable), and "已填报 N / 应填报 M" counts villages and
communities by one rule, the one the import and the admin accept records by."""

from __future__ import annotations

from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from core.importing import run_import
from funding.forms.economy import EconomyRecordAdminForm
from funding.models import EconomyRecord
from funding.resources import EconomyRecordResource
from funding.selectors.economy import (
    economy_figures,
    economy_rows,
    missing_villages,
    reporting_villages,
)
from tests.factories import make_org
from tests.helpers import ECONOMY_HEADERS, economy_row

YEAR = 2025


def record(org: str, total: str, operating: str = "") -> dict:
    return economy_row(
        org, str(YEAR), **{"集体经济总收入（万元）": total, "经营性收入（万元）": operating}
    )


def load(*rows: dict, user=None):
    dataset = tablib.Dataset(
        *[[r[h] for h in ECONOMY_HEADERS] for r in rows], headers=ECONOMY_HEADERS
    )
    return run_import(EconomyRecordResource(user=user, source="test"), dataset)


def add(*rows: dict) -> None:
    report = load(*rows)
    assert report.ok, [str(e) for e in report.errors]


def bands(org) -> dict[str, str]:
    return {r.organization.code: r.band for r in economy_rows(org=org, year=YEAR)}


@pytest.fixture
def villages(tree):
    extra = {code: make_org(tree["A"], code=code, name=f"{code}村支部") for code in ("A3", "A4")}
    return {**tree, **extra}


# --- "5 万元以上" ---------------------------------------------------------------------------
def test_5_wan_and_more_includes_5_wan(villages):
    # The record holds 万元 to the cent: 4.99 / 5.00 / 5.01 are the closest figures to the
    # line (49,900 / 50,000 / 50,100 元).
    add(record("A1", "9", "4.99"), record("A2", "9", "5.00"), record("A3", "9", "5.01"))
    assert bands(villages["A"]) == {"A1": "normal", "A2": "strong", "A3": "strong"}
    figures = economy_figures(org=villages["A"], year=YEAR)
    assert (figures.strong, figures.normal) == (2, 1)


def test_49999_99_yuan_is_refused_rather_than_rounded_onto_the_line(villages):
    report = load(record("A1", "9", "4.999999"))
    assert not report.ok
    assert "最多 2 位小数" in " ".join(str(e) for e in report.errors)
    assert not EconomyRecord.objects.exists()


def test_the_weak_threshold_is_at_or_below(villages, settings):
    settings.ECONOMY_WEAK_THRESHOLD_WAN = "1"
    add(record("A1", "9", "0.99"), record("A2", "9", "1.00"), record("A3", "9", "1.01"))
    assert bands(villages["A"]) == {"A1": "weak", "A2": "weak", "A3": "normal"}


# --- judged on 经营性收入 -------------------------------------------------------------------
def test_a_village_living_on_transfers_is_a_shell_village(villages):
    # 12 万元 in all, none of it from its own operations.
    add(record("A1", "12", "0"), record("A2", "0.5", "0.5"), record("A3", "6", ""))
    figures = economy_figures(org=villages["A"], year=YEAR)
    assert bands(villages["A"]) == {"A1": "weak", "A2": "normal", "A3": "unjudged"}
    assert (figures.weak, figures.strong, figures.unjudged, figures.normal) == (1, 0, 1, 1)


def test_the_judged_income_is_a_setting(villages, settings):
    add(record("A1", "12", "0"), record("A2", "0", ""), record("A3", "6", "1"))
    settings.ECONOMY_JUDGED_INCOME = "total"
    assert bands(villages["A"]) == {"A1": "strong", "A2": "weak", "A3": "strong"}
    figures = economy_figures(org=villages["A"], year=YEAR)
    assert (figures.weak, figures.strong, figures.unjudged) == (1, 2, 0)
    assert figures.thresholds.income_label == "集体经济总收入"
    settings.ECONOMY_JUDGED_INCOME = "profit"
    with pytest.raises(ImproperlyConfigured):
        economy_figures(org=villages["A"], year=YEAR)


def test_the_page_names_the_judged_income(client, bob, villages):
    add(record("A1", "12", "0"), record("A2", "6", "5"))
    client.force_login(bob)
    page = client.get(reverse("funding:economy"), {"org": "A", "year": YEAR}).content.decode()
    assert "经营性收入为零" in page
    assert "经营性收入 5 万元以上的村" in page
    assert "含 5 万元" in page
    assert "已填报 2 / 应填报 4" in page


# --- one rule for 已填报 and 应填报 -----------------------------------------------------------
@pytest.fixture
def mixed(villages):
    """A community beside the villages, a 村党总支 with a branch of its own."""
    community = make_org(villages["A"], code="A5", name="甲五社区", domain="community")
    branch = make_org(villages["A1"], code="A1-1", name="甲一村第一支部")
    return {**villages, "A5": community, "A1-1": branch}


def test_villages_and_communities_are_counted_the_same_way(mixed):
    add(record("A1", "3", "1"), record("A5", "8", "6"))
    figures = economy_figures(org=mixed["A"], year=YEAR)
    assert sorted(o.code for o in reporting_villages(mixed["A"])) == ["A1", "A2", "A3", "A4", "A5"]
    assert (figures.reported, figures.villages, figures.missing) == (2, 5, 3)
    assert figures.reported == figures.records  # every record is a reporting unit's
    assert [o.code for o in missing_villages(org=mixed["A"], year=YEAR)] == ["A2", "A3", "A4"]


def test_a_branch_of_a_village_cannot_report_for_itself(mixed):
    report = load(record("A1-1", "3", "1"), record("A", "3", "1"))
    assert [str(e) for e in report.errors] == [
        "第2行 [组织代码] “A1-1”隶属于村级组织“甲一村支部”（A1），集体经济请登记在“A1”名下。",
        "第3行 [组织代码] “A”不是村级组织（集体经济只登记村级组织）。",
    ]
    assert not EconomyRecord.objects.exists()


def test_the_admin_offers_only_reporting_villages_of_the_users_scope(mixed, bob, charlie):
    offered = EconomyRecordAdminForm(user=bob).fields["organization"].queryset
    assert sorted(o.code for o in offered) == ["A1", "A2", "A3", "A4", "A5"]
    assert [
        o.code for o in EconomyRecordAdminForm(user=charlie).fields["organization"].queryset
    ] == ["B1"]


def test_the_figures_still_take_two_queries(mixed, django_assert_num_queries):
    add(record("A1", "3", "1"), record("A5", "8", "6"), record("B1", "0", "0"))
    with django_assert_num_queries(2):
        figures = economy_figures(org=mixed["C"], year=YEAR)
    assert (figures.reported, figures.villages, figures.weak, figures.strong) == (3, 6, 1, 1)
    assert figures.total == Decimal("11")
