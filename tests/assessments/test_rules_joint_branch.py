"""A 联合党支部 covers at most five units: `joint_branch_over_5_units` at its edge, the units
on the organisation's page, and the optional 联合党支部所含单位 column of the orgs table."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessments.health.rules import findings_for
from assessments.models import HealthThreshold
from core.importing import run_import
from core.tables import read_table
from orgs.models import Organization
from orgs.resources import OrganizationResource
from portal.exporting import export_file
from tests.factories import make_org, make_user
from tests.helpers import ORG_HEADERS, org_row, xlsx_bytes

TODAY = datetime.date(2025, 5, 15)
UNITS_COLUMN = "联合党支部所含单位"


def units(n: int) -> str:
    return "\n".join(f"第{i}企业" for i in range(1, n + 1))


def joint(parent, code, covered, kind="joint_branch"):
    return make_org(
        parent,
        code=code,
        kind=kind,
        level="other",
        domain="private_enterprise",
        covered_units=covered,
    )


def flagged(top) -> dict[str, str]:
    return {
        f.code: f.message
        for f in findings_for(top, today=TODAY)
        if f.rule == "joint_branch_over_5_units"
    }


@pytest.fixture
def town(db):
    return make_org(code="T", kind="committee", level="township", secretary_name="张")


def test_five_units_are_fine_six_are_a_warning(town):
    joint(town, "J5", units(5))
    joint(town, "J6", units(6) + "\n\n  \n")  # blank lines are not units
    joint(town, "B6", units(6), kind="branch")  # only a joint branch covers units

    found = [f for f in findings_for(town, today=TODAY) if f.rule == "joint_branch_over_5_units"]
    assert [(f.code, f.severity) for f in found] == [("J6", "warning")]
    assert found[0].message == (
        "所含单位 6 个，超过 5 个（第1企业、第2企业、第3企业、第4企业、第5企业、第6企业），"
        "宜按地域相邻、行业相近分设联合党支部。"
    )


def test_the_number_of_units_is_configuration(town):
    joint(town, "J6", units(6))
    HealthThreshold.objects.filter(key="joint_branch_max_units").update(value=6)
    assert flagged(town) == {}
    HealthThreshold.objects.filter(key="joint_branch_max_units").update(value=4)
    joint(town, "J5", units(5))
    assert set(flagged(town)) == {"J5", "J6"}


def test_the_page_lists_the_units(client, town):
    joint(town, "J3", "甲公司\n乙公司\n<丙>公司")
    client.force_login(make_user("staffer", town, "staff"))
    page = client.get(reverse("orgs:detail", args=["J3"])).content.decode()
    assert "所含单位" in page
    assert "共 3 个：甲公司、乙公司、&lt;丙&gt;公司" in page
    empty = joint(town, "J0", "")
    assert "未登记" in client.get(reverse("orgs:detail", args=[empty.code])).content.decode()


def do_import(rows, headers):
    dataset = read_table(xlsx_bytes(rows, headers), "orgs.xlsx")
    return run_import(OrganizationResource(), dataset)


def test_the_import_reads_the_units_one_per_line_or_separated(tree):
    headers = ORG_HEADERS  # the column is the table's last
    row = org_row("A3", "A", 组织类别="联合党支部", 行政层级="其他", 所属领域="非公有制企业")
    report = do_import([{**row, UNITS_COLUMN: "甲公司、乙公司；丙公司\n丁公司"}], headers)
    assert report.ok, [str(e) for e in report.errors]
    joint_branch = Organization.objects.get(code="A3")
    assert joint_branch.covered_unit_list == ["甲公司", "乙公司", "丙公司", "丁公司"]
    assert joint_branch.covered_units == "甲公司\n乙公司\n丙公司\n丁公司"

    # A file without the column leaves the units as they are.
    again = do_import([row], [h for h in headers if h != UNITS_COLUMN])
    assert again.ok
    assert again.unchanged == 1
    assert Organization.objects.get(code="A3").covered_unit_list == [
        "甲公司",
        "乙公司",
        "丙公司",
        "丁公司",
    ]


def test_the_export_carries_the_units_and_imports_back_unchanged(tree):
    a1 = tree["A1"]
    a1.covered_units = "甲公司\n乙公司"
    a1.save()
    content, _count = export_file("orgs", "xlsx")
    dataset = read_table(content, "orgs.xlsx")
    assert dataset.headers[-1] == UNITS_COLUMN
    assert dataset.dict[2][UNITS_COLUMN] == "甲公司\n乙公司"  # C, A, A1 …
    report = run_import(OrganizationResource(), dataset)
    assert report.ok, [str(e) for e in report.errors]
    assert report.unchanged == len(dataset)
