"""Malformed and hostile import files: each is refused (or imported) with a clear Chinese
message, within a fixed time and memory, and the database is left as it was.

The files are built here, byte by byte where a spreadsheet program would not write them.
"""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from openpyxl import Workbook

from core.formats import CSV, XLSX
from core.import_limits import checked_table_bytes
from core.importing import run_import
from core.tables import TableReadError
from members.models import Member
from orgs.models import Organization
from orgs.resources import OrganizationResource
from tests.helpers import ORG_HEADERS, csv_bytes, org_row, xlsx_bytes

SECONDS = 5
PEAK_BYTES = 64 * 1024 * 1024
EXCEL_ROWS = 1_048_576

# --- building workbooks by hand ------------------------------------------------------------
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    'formats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    'formats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
PARTS = {
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": ROOT_RELS,
    "xl/workbook.xml": WORKBOOK,
    "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
}
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
    '/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def column(index: int) -> str:
    return chr(65 + index)


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def org_sheet_rows(rows: list[dict]) -> list[str]:
    """The header and `rows` as <row> elements of inline text cells."""
    lines = []
    for number, values in enumerate(
        [dict(zip(ORG_HEADERS, ORG_HEADERS, strict=True))] + rows, start=1
    ):
        cells = "".join(
            text_cell(f"{column(i)}{number}", values.get(h, "")) for i, h in enumerate(ORG_HEADERS)
        )
        lines.append(f'<row r="{number}">{cells}</row>')
    return lines


def workbook_with(sheet_rows) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_HEAD.encode())
            batch = []
            for row in sheet_rows:
                batch.append(row)
                if len(batch) == 20000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + SHEET_TAIL).encode())
    return out.getvalue()


def zip_bomb(inflated: int = 500 * 1024 * 1024) -> bytes:
    """A real .xlsx-shaped zip whose worksheet inflates to `inflated` bytes of spaces.

    After a full flush deflate starts afresh, so the compressed form of one megabyte of
    spaces can be repeated: the file is built in well under a second."""
    chunk = b" " * (1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeats = inflated // len(chunk)
    stream = block * repeats + compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
    prefix = out.getvalue()
    # Append the bomb by hand (zipfile cannot write a precompressed member): cut the
    # archive before its central directory, add the member, then write a new directory.
    with zipfile.ZipFile(io.BytesIO(prefix)) as archive:
        infos = archive.infolist()
    directory_at = struct.unpack("<I", prefix[-6:-2])[0]
    body = bytearray(prefix[:directory_at])
    name = b"xl/worksheets/sheet1.xml"
    offset = len(body)
    body += struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), inflated, len(name), 0
    )
    body += name + stream
    entries = bytearray()
    for info in infos:
        entries += central_entry(info.filename.encode(), info.CRC, info.compress_size,
                                 info.file_size, info.header_offset)  # fmt: skip
    entries += central_entry(name, crc, len(stream), inflated, offset)
    start = len(body)
    body += entries
    count = len(infos) + 1
    body += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(entries), start, 0)
    return bytes(body)


def central_entry(name: bytes, crc: int, compressed: int, size: int, offset: int) -> bytes:
    header = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50, 20, 20, 0, 8, 0, 0, crc, compressed, size, len(name), 0, 0, 0, 0, 0, offset,
    )  # fmt: skip
    return header + name


# --- measuring ---------------------------------------------------------------------------------


class Measured:
    seconds: float = 0.0
    peak: int = 0


def measured(call, *args, **kwargs):
    """(result or exception, Measured) of one call, under tracemalloc."""
    measure = Measured()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the test looks at what was raised
        outcome = exc
    finally:
        measure.seconds = time.perf_counter() - started
        measure.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return outcome, measure


def import_upload(data: bytes, name: str, user=None):
    """The admin's upload path: our format reads the bytes, the resource imports them."""
    fmt = XLSX() if name.endswith(".xlsx") else CSV()
    return run_import(OrganizationResource(user=user, source=name), fmt.create_dataset(data))


def database_state() -> tuple[int, int, int]:
    return Organization.objects.count(), Organization.history.count(), Member.objects.count()


def assert_refused(data: bytes, name: str, *words: str, seconds: float = SECONDS) -> str:
    before = database_state()
    outcome, measure = measured(import_upload, data, name)
    assert isinstance(outcome, TableReadError), outcome
    message = str(outcome)
    for word in words:
        assert word in message
    assert measure.seconds < seconds, measure.seconds
    assert measure.peak < PEAK_BYTES, measure.peak
    assert database_state() == before
    return message


# --- the files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb()


def test_a_zip_bomb_is_refused_from_its_declared_size_without_inflating_it(tree, bomb):
    assert len(bomb) < 600 * 1024  # a 500 KB file …
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:  # … that inflates to 500 MB
        assert sum(i.file_size for i in archive.infolist()) >= 500 * 1024 * 1024
    assert_refused(bomb, "bomb.xlsx", "解压后有 500.0 MB", "超过 100.0 MB", seconds=0.5)


@override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=1024 * 1024 * 1024)
def test_a_bomb_under_the_size_limit_is_caught_by_its_compression_ratio(tree):
    assert_refused(zip_bomb(64 * 1024 * 1024), "ratio.xlsx", "压缩比异常", seconds=0.5)


@override_settings(IMPORT_MAX_FILE_SIZE=10 * 1024 * 1024)
def test_a_20_mb_file_is_refused_before_it_is_read(tree, tmp_path):
    data = csv_bytes([org_row("N1", "A")]) + b"#" * (20 * 1024 * 1024)
    assert_refused(data, "big.csv", "20.0 MB", "10.0 MB")
    path = Path(tmp_path, "big.csv")
    path.write_bytes(data)
    before = database_state()
    with pytest.raises(CommandError, match="超过 10 MB"):
        call_command("import_data", "orgs", str(path))
    assert database_state() == before


def test_a_truncated_workbook_is_refused(tree):
    data = xlsx_bytes([org_row(f"N{i}", "A") for i in range(200)])
    assert_refused(data[: len(data) // 2], "cut.xlsx", "不是有效的 .xlsx")
    assert_refused(data[:-30], "cut.xlsx", "无法读取该 Excel 文件")


def test_a_damaged_worksheet_is_refused(tree):
    data = bytearray(xlsx_bytes([org_row(f"N{i}", "A") for i in range(50)]))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[start : start + 40] = b"\x00" * 40  # corrupt the deflate stream: a wrong CRC
    assert_refused(bytes(data), "bad.xlsx", "无法读取该 Excel 文件")


def test_an_old_xls_is_named_as_such(tree):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096
    assert_refused(data, "old.xlsx", ".xls")


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "PNG"),
        (b"PK\x03\x04" + b"\x00" * 200, "Excel (.xlsx)"),
        (bytes(range(256)) * 40, "二进制"),
    ],
)
def test_a_csv_that_is_really_binary_is_refused(tree, data, word):
    assert_refused(data, "data.csv", "不是 CSV 文本文件", word)


def test_wrong_types_are_reported_per_row_and_change_nothing(tree):
    rows = [
        org_row("N1", "A", **{"成立日期": "昨天"}),
        org_row("N2", "A", **{"任期年限": "三年"}),
        org_row("N3", "A", **{"是否示范点": "1"}),
    ]
    before = database_state()
    report, measure = measured(import_upload, xlsx_bytes(rows), "types.xlsx")
    assert not report.ok
    shown = [str(e) for e in report.errors]
    assert any(e.startswith("第2行 [成立日期]") for e in shown)
    assert any(e.startswith("第3行 [任期年限]") for e in shown)
    assert any(e.startswith("第4行 [是否示范点]") for e in shown)
    assert database_state() == before
    assert measure.seconds < SECONDS


def test_a_one_megabyte_name_is_a_row_error_with_a_short_message(tree):
    # Excel stops at 32,767 characters a cell; a crafted file has no such limit.
    huge = "党" * (1024 * 1024)
    data = workbook_with(org_sheet_rows([org_row("N1", "A", **{"组织名称": huge})]))
    before = database_state()
    report, measure = measured(import_upload, data, "huge.xlsx")
    assert [str(e) for e in report.errors] == [
        "第2行 [组织名称] 不能超过 100 个字符（现为 1048576 个）。"
    ]
    assert measure.seconds < SECONDS
    assert measure.peak < PEAK_BYTES
    assert database_state() == before


def test_a_huge_cell_in_a_choice_column_is_quoted_short(tree):
    report = import_upload(
        xlsx_bytes([org_row("N1", "A", **{"组织类别": "x" * 100_000})]), "c.xlsx"
    )
    [error] = [e for e in report.errors if e.column == "组织类别"]
    assert len(error.message) < 200
    assert "xxxx…" in error.message


def test_a_one_megabyte_csv_line_is_refused_with_its_row(tree):
    data = csv_bytes([org_row("N1", "A"), org_row("N2", "A", **{"组织名称": "长" * 400_000})])
    assert_refused(data, "huge.csv", "第3行过长")


def test_formula_cells_import_the_result_excel_stored(tree):
    rows = org_sheet_rows([org_row("N1", "A")])
    # 组织名称 (column B) of row 2 as a formula with its stored result, as Excel saves it.
    rows[1] = rows[1].replace(
        text_cell("B2", "N1支部委员会"),
        '<c r="B2" t="str"><f>HYPERLINK("http://x","公式支部")</f><v>公式支部</v></c>',
    )
    report = import_upload(workbook_with(rows), "formula.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert Organization.objects.get(code="N1").name == "公式支部"


def test_a_formula_without_a_stored_result_is_refused(tree):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ORG_HEADERS)
    sheet.append(list(org_row("N1", "A").values()))
    sheet["B2"] = '=HYPERLINK("http://x","y")'  # openpyxl stores no result
    out = io.BytesIO()
    workbook.save(out)
    assert_refused(out.getvalue(), "formula.xlsx", "单元格 B2 是公式", "粘贴为数值")


@pytest.fixture(scope="module")
def formatted_blank_rows() -> bytes:
    """Two organisations, then every row down to 1,048,576 formatted but empty, the way a
    spreadsheet saves rows someone selected and coloured."""
    rows = org_sheet_rows([org_row("N1", "A"), org_row("N2", "A")])
    blank = (f'<row r="{n}" s="1" customFormat="1"/>' for n in range(4, EXCEL_ROWS + 1))
    return workbook_with([*rows, *blank])


@pytest.fixture(scope="module")
def spaces_to_the_last_row() -> bytes:
    rows = org_sheet_rows([org_row("N1", "A")])
    spaces = (f'<row r="{n}">{text_cell(f"A{n}", " ")}</row>' for n in range(3, EXCEL_ROWS + 1))
    return workbook_with([*rows, *spaces])


def test_a_million_formatted_blank_rows_cost_nothing(tree, formatted_blank_rows):
    report, measure = measured(import_upload, formatted_blank_rows, "blank.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert (report.total, report.new) == (2, 2)
    assert measure.seconds < SECONDS
    assert measure.peak < PEAK_BYTES


def test_a_million_rows_holding_spaces_are_refused_quickly(tree, spaces_to_the_last_row):
    assert_refused(spaces_to_the_last_row, "spaces.xlsx", "超过 200000 行", "删除")


def test_one_stray_cell_in_the_last_row_is_refused_quickly(tree):
    rows = org_sheet_rows([org_row("N1", "A")])
    data = workbook_with([*rows, f'<row r="{EXCEL_ROWS}">{text_cell(f"P{EXCEL_ROWS}", " ")}</row>'])
    assert_refused(data, "stray.xlsx", "第 1048576 行仍有内容")


def test_a_cell_far_to_the_right_is_refused(tree):
    rows = org_sheet_rows([org_row("N1", "A")])
    data = workbook_with([*rows, f'<row r="3">{text_cell("XFD3", "x")}</row>'])
    assert_refused(data, "wide.xlsx", "第 16384 列")


def test_a_million_trailing_blank_csv_lines_are_dropped(tree):
    blank = ("," * (len(ORG_HEADERS) - 1) + "\r\n").encode() * (EXCEL_ROWS - 2)
    data = csv_bytes([org_row("N1", "A")]) + blank
    report, measure = measured(import_upload, data, "blank.csv")
    assert report.ok, [str(e) for e in report.errors]
    assert (report.total, report.new) == (1, 1)
    assert measure.seconds < SECONDS
    assert measure.peak < PEAK_BYTES


@override_settings(IMPORT_MAX_ROWS=1000)
@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_more_data_rows_than_the_limit_are_refused(tree, suffix):
    rows = [org_row(f"N{i}", "A") for i in range(1001)]
    data = xlsx_bytes(rows) if suffix == "xlsx" else csv_bytes(rows)
    assert_refused(data, f"many.{suffix}", "1000")
    below = rows[:1000]
    ok = xlsx_bytes(below) if suffix == "xlsx" else csv_bytes(below)
    assert checked_table_bytes(ok, f"ok.{suffix}")


def test_the_checks_cost_little_on_an_ordinary_file(tree):
    data = xlsx_bytes([org_row(f"N{i}", "A") for i in range(5000)])
    started = time.perf_counter()
    assert checked_table_bytes(data, "ok.xlsx") is data
    assert time.perf_counter() - started < 0.5


def test_import_data_refuses_the_bomb_before_reading_it(tree, bomb, tmp_path):
    """The command path: core.tables.read_table checks the bytes first."""
    path = Path(tmp_path, "bomb.xlsx")
    path.write_bytes(bomb)
    before = database_state()
    started = time.perf_counter()
    with pytest.raises(CommandError, match="解压后有 500.0 MB"):
        call_command("import_data", "orgs", str(path))
    assert time.perf_counter() - started < 1
    assert database_state() == before


def test_the_admin_does_not_inflate_the_bomb_to_count_its_rows(bomb):
    """Before choosing between the preview and a background job the admin counts the
    rows; the bomb is refused there too (the preview then shows the message)."""
    from core.jobs import count_data_rows

    started = time.perf_counter()
    assert count_data_rows(bomb, "bomb.xlsx") is None
    assert time.perf_counter() - started < 1
