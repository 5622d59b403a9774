"""export_data: the data-dictionary headers, scope, and a round trip."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from core.importing import run_import
from core.tables import read_table
from orgs.models import Organization
from orgs.resources import OrganizationResource
from portal.exporting import export_file
from tests.helpers import ORG_HEADERS


def rows_of(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_headers_and_tree_order(tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        content, count = export_file("orgs", "xlsx")
    rows = rows_of(content)
    assert rows[0] == ORG_HEADERS
    assert [r[0] for r in rows[1:]] == ["C", "A", "A1", "A2", "B", "B1"]
    assert rows[3][2] == "A"  # parent code of A1
    assert rows[3][3:6] == ["党支部", "村级", "农村"]
    assert count == 6


def test_export_of_a_user_contains_only_their_subtree(bob):
    rows = rows_of(export_file("orgs", "xlsx", user=bob)[0])
    assert [r[0] for r in rows[1:]] == ["A", "A1", "A2"]


def test_secretaries_and_leaders_export_what_they_read(sam, leo):
    assert [r[0] for r in rows_of(export_file("orgs", "xlsx", user=sam)[0])[1:]] == ["A1"]
    assert len(rows_of(export_file("orgs", "xlsx", user=leo)[0])) == 7


def test_org_option_outside_scope_is_refused(bob, tmp_path):
    with pytest.raises(CommandError, match="不在您的管辖范围内"):
        call_command("export_data", "orgs", "--out", str(tmp_path / "x.xlsx"), "--org", "B",
                     "--user", "bob")  # fmt: skip


def test_command_writes_csv_with_bom_for_a_subtree(tree, tmp_path, capsys):
    out = tmp_path / "orgs.csv"
    call_command("export_data", "orgs", "--format", "csv", "--out", str(out), "--org", "A")
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(ORG_HEADERS)
    assert "已导出 3 行" in capsys.readouterr().out


def test_round_trip_changes_nothing(tree):
    content, _count = export_file("orgs", "xlsx")
    history = Organization.history.count()
    report = run_import(OrganizationResource(), read_table(content, "orgs.xlsx"))
    assert report.ok, [str(e) for e in report.errors]
    assert report.unchanged == 6
    assert report.new == report.updated == 0
    assert Organization.history.count() == history
