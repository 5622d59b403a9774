"""Reading a roster with a title, notes, blank rows, merged cells and a footer, as Excel,
LibreOffice and CSV save it: read_table keeps every row with the number Excel shows,
locate_header finds the header and leaves only the data under it."""

from __future__ import annotations

import datetime

import pytest

from core.formats import CSV, XLS, XLSX
from core.tables import locate_header, read_table
from tests.importing_files import office_files as files

EXCEL = ["roster.xlsx", "lo-roster.xlsx", "lo-roster.xls"]
CSVS = ["roster-utf8.csv", "roster-utf8-bom.csv", "roster-gb18030.csv"]


def as_dates(values):
    """Excel files hold dates; CSV holds them as Excel shows them (2013/8/12)."""
    return [files.excel_text(v) if isinstance(v, datetime.date) else v for v in values]


@pytest.mark.parametrize("name", EXCEL + CSVS)
def test_every_row_is_read_with_the_number_excel_shows(office_files, name):
    dataset = read_table(office_files[name], name)
    # The title is the first non-blank row: the provisional header.
    assert dataset.header_excel_row == 1
    assert dataset.excel_rows == list(range(2, files.LAST_ROW + 1))
    assert dataset.width == files.WIDTH
    rows = dict(zip(dataset.excel_rows, dataset, strict=True))
    assert rows[3] == (None,) * files.WIDTH  # a blank row keeps its place
    assert rows[4][1:4] == ("姓名", "性别", "出生日期")
    assert rows[5][1] == "张三"
    assert rows[5][6] == "13800138000"  # text stays text
    assert rows[9][1] == "赵六"
    assert rows[10][:2] == ("合　计", "4人")
    assert rows[13][0] == files.REMARK


@pytest.mark.parametrize("name", EXCEL)
def test_merged_cells_hold_their_value_in_every_cell(office_files, name):
    dataset = read_table(office_files[name], name)
    assert dataset.headers == [files.TITLE] * files.WIDTH
    rows = dict(zip(dataset.excel_rows, dataset, strict=True))
    assert [rows[n][4] for n in (5, 6, 7)] == [files.BRANCH] * 3
    assert rows[12] == (files.SIGNED,) * files.WIDTH
    assert rows[5][3] == datetime.date(1980, 5, 17)


@pytest.mark.parametrize("name", CSVS)
def test_a_csv_keeps_what_excel_wrote(office_files, name):
    dataset = read_table(office_files[name], name)
    assert dataset.headers == [files.TITLE] + [""] * (files.WIDTH - 1)
    rows = dict(zip(dataset.excel_rows, dataset, strict=True))
    assert [rows[n][4] for n in (5, 6, 7)] == [files.BRANCH, None, None]
    assert rows[9][5] == "2013/8/12"  # a date as text, as Excel showed it


@pytest.mark.parametrize("name", EXCEL + CSVS)
def test_the_header_is_found_below_the_title_and_the_footer_is_dropped(office_files, name):
    dataset = read_table(office_files[name], name)
    found = locate_header(dataset, files.canonical_of())
    assert found.found
    assert found.header_excel_row == dataset.header_excel_row == files.HEADER_ROW
    assert found.ignored == ("序号", "数据来源")
    assert found.footer_rows == files.FOOTER_ROWS
    assert (found.duplicates, found.errors) == ((), ())
    assert dataset.headers == ["姓名", "性别", "出生日期", "所在党组织", "入党日期", "联系电话"]
    assert dataset.excel_rows == files.DATA_ROWS
    rows = dict(zip(dataset.excel_rows, dataset, strict=True))
    assert rows[8] == (None,) * 6  # the blank row between members stays, with its number
    expected = [m[1:7] for m in files.MEMBERS]
    if name.endswith(".csv"):
        expected = [as_dates(m) for m in expected]
        expected[1][3] = expected[2][3] = None  # CSV has the merged value only once
    else:
        expected[1][3] = expected[2][3] = files.BRANCH
    assert [list(rows[n]) for n in (5, 6, 7, 9)] == expected


def test_an_xls_saved_under_an_xlsx_name_is_read_as_xls(office_files):
    data = office_files["lo-roster.xls"]
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    dataset = read_table(data, "花名册.xlsx")
    assert dataset.excel_rows[-1] == files.LAST_ROW
    assert XLSX().create_dataset(data).headers == dataset.headers


def test_the_admin_formats_read_every_kind(office_files):
    assert XLS().can_import()
    assert not XLS().can_export()
    assert XLS().get_title() == "xls"  # the upload form picks the format by extension
    # The admin constructs the format it was told with its encoding (process_import).
    for fmt, name in [
        (XLS(encoding="utf-8"), "lo-roster.xls"),
        (XLSX(), "roster.xlsx"),
        (CSV(), CSVS[2]),
    ]:
        dataset = fmt.create_dataset(office_files[name])
        assert dataset.excel_rows == list(range(2, files.LAST_ROW + 1)), name
