"""The statistics workbook as LibreOffice reads it: every sheet opens, the figures are
numbers, and each line's total is the sum of its columns."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils import timezone
from openpyxl import load_workbook

from partystats.export import workbook_bytes
from partystats.selectors import party_statistics
from tests.factories import make_member

from .converting import convert

TODAY = timezone.localdate()


def test_libreoffice_opens_the_workbook_with_numbers_that_sum(tree, tmp_path: Path):
    for code, female in (("A1", False), ("A1", True), ("A2", False), ("B1", True)):
        make_member(tree[code], female=female)
    make_member(
        tree["C"],
        category="probationary",
        joined_on=datetime.date(TODAY.year, 1, 3),
        confirmed_on=None,
    )
    source = tmp_path / "党内统计.xlsx"
    source.write_bytes(workbook_bytes(party_statistics(tree["C"], TODAY)))
    # LibreOffice opens the file and saves it again as an .ods, then as an .xlsx: what a
    # clerk who opens and re-saves the download gets.
    (ods,) = convert([source], "ods", tmp_path / "ods")
    (again,) = convert([ods], "xlsx", tmp_path / "xlsx")
    workbook = load_workbook(again)
    assert workbook.sheetnames[0] == "说明"
    checked = 0
    for name in workbook.sheetnames[1:]:
        sheet = workbook[name]
        headers = [cell.value for cell in sheet[1]]
        assert headers[:2] == ["项目", "合计"], name
        for row in sheet.iter_rows(min_row=2, values_only=True):
            figures = row[1 : len(headers)]
            if all(isinstance(value, int | float) for value in figures):
                assert figures[0] == sum(figures[1:]), (name, row)
                checked += 1
    assert checked > 40
    overview = workbook["党员总体情况"]
    assert overview["A2"].value == "党员总数"
    assert overview["B2"].value == 5
