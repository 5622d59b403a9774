"""Exported spreadsheets never hand a spreadsheet program a formula to run, numbers stay
numbers, and what we export imports back without a change."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import tablib
from django.urls import reverse
from openpyxl import load_workbook

from core.cell_escaping import NumberText, escape_cell, unescape_cell
from core.importing import run_import
from core.tables import read_table
from core.widgets import DecimalWidget, IntegerWidget
from members.models import Member
from members.resources.roster import MemberResource
from orgs.models import Organization
from orgs.resources import OrganizationResource
from portal.exporting import FORMATS, export_file
from tests.factories import make_member, make_org
from tests.helpers import csv_bytes, org_row

PAYLOADS = {
    "X1": '=HYPERLINK("http://x","y")',
    "X2": "+1",
    "X3": "-1",
    "X4": "@SUM(A1)",
    "X5": "\tabc",
    "X6": "<img src=file:///etc/passwd>",
    "X7": "\r=1+1",
}
ESCAPED = {code: ("'" + name if code != "X6" else name) for code, name in PAYLOADS.items()}
# Every form and import strips leading whitespace, so a stored name never starts with a tab
# or a line break; the round trip is checked with the others.
STORABLE = {code: name for code, name in PAYLOADS.items() if not name[0].isspace()}


@pytest.fixture
def hostile_orgs(tree):
    return [make_org(tree["A"], code=code, name=name) for code, name in PAYLOADS.items()]


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def names_by_code(rows: list[list]) -> dict[str, str]:
    header = rows[0]
    code, name = header.index("组织代码"), header.index("组织名称")
    return {row[code]: row[name] for row in rows[1:]}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_escapes_formula_names_in_an_organisation_export(hostile_orgs, fmt):
    content, _count = export_file("orgs", fmt)
    rows = xlsx_rows(content) if fmt == "xlsx" else csv_rows(content)
    names = names_by_code(rows)
    for code, expected in ESCAPED.items():
        assert names[code] == expected
    assert names["A1"] == "甲一村支部"  # ordinary text is untouched


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_escapes_member_text_cells_too(tree, fmt):
    make_member(tree["A1"], seq=1, is_mobile=True, mobile_destination="=cmd|' /C calc'!A0")
    content, _count = export_file("members", fmt, unmasked=True)
    rows = xlsx_rows(content) if fmt == "xlsx" else csv_rows(content)
    column = rows[0].index("流动去向")
    assert rows[1][column] == "'=cmd|' /C calc'!A0"


def test_the_page_export_is_escaped_and_scoped(client, hostile_orgs, tree, bob, charlie):
    make_member(tree["A1"], seq=1, is_mobile=True, mobile_destination="@SUM(1+1)*cmd")
    client.force_login(bob)
    response = client.get(reverse("members:export"), {"format": "csv"})
    assert response.status_code == 200
    rows = csv_rows(response.content)
    assert rows[1][rows[0].index("流动去向")] == "'@SUM(1+1)*cmd"
    client.force_login(charlie)  # the outsider gets none of A's rows
    rows = csv_rows(client.get(reverse("members:export"), {"format": "csv"}).content)
    assert len(rows) == 1


def test_numbers_are_never_escaped():
    dataset = tablib.Dataset(headers=["金额", "件数", "比例", "文字", "渲染的金额"])
    amount = DecimalWidget(min_value=None).render(Decimal("-5"))
    dataset.append([Decimal("-12.50"), -3, -0.5, "-3", amount])
    assert amount == "-5.00"
    assert IntegerWidget().render(-3) == "-3"
    [row] = xlsx_rows(FORMATS["xlsx"]().export_data(dataset))[1:]
    assert row == [-12.5, -3, -0.5, "'-3", "-5.00"]
    [row] = csv_rows(FORMATS["csv"]().export_data(dataset).encode("utf-8"))[1:]
    assert row == ["-12.50", "-3", "-0.5", "'-3", "-5.00"]


def test_escaping_twice_and_unescaping_are_exact():
    for value in [*PAYLOADS.values(), "普通文字", "", "'", "'普通", "a=b"]:
        once = escape_cell(value)
        assert escape_cell(once) == once
        assert unescape_cell(once) == value
    assert escape_cell(NumberText("-1")) == "-1"
    assert escape_cell(None) is None


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_file_imports_back_without_any_change(tree, fmt):
    for code, name in STORABLE.items():
        make_org(tree["A"], code=code, name=name)
    content, _count = export_file("orgs", fmt)
    history = Organization.history.count()
    report = run_import(OrganizationResource(source="round-trip"), read_table(content, f"o.{fmt}"))
    assert report.ok, [str(e) for e in report.errors]
    assert (report.new, report.updated) == (0, 0)
    assert Organization.history.count() == history
    stored = dict(Organization.objects.filter(code__in=PAYLOADS).values_list("code", "name"))
    assert stored == STORABLE


def test_members_round_trip_unmasked(tree):
    make_member(tree["A1"], seq=1, is_mobile=True, mobile_destination="-深圳市南山区")
    content, _count = export_file("members", "xlsx", unmasked=True)
    history = Member.history.count()
    report = run_import(MemberResource(source="round-trip"), read_table(content, "m.xlsx"))
    assert report.ok, [str(e) for e in report.errors]
    assert (report.new, report.updated) == (0, 0)
    assert Member.history.count() == history
    assert Member.objects.get().mobile_destination == "-深圳市南山区"


def test_a_typed_apostrophe_before_a_formula_character_is_taken_as_the_escape(tree):
    data = csv_bytes([org_row("N1", "A", **{"组织名称": "'=1+1"})])
    report = run_import(OrganizationResource(source="typed"), read_table(data, "o.csv"))
    assert report.ok, [str(e) for e in report.errors]
    assert Organization.objects.get(code="N1").name == "=1+1"
