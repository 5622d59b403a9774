"""The limits of core/import_limits.py for .xls as for .xlsx: a file is refused with a
Chinese message, quickly, before python-calamine is handed anything it would loop on,
abort on or fill gigabytes for."""

from __future__ import annotations

import struct
import time

import pytest
from django.test import override_settings

from core.import_limits import TableReadError, checked_table_bytes
from core.tables import fill_merged_cells, read_table

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refused(data: bytes, name: str, *words: str, seconds: float = 1.0) -> str:
    started = time.perf_counter()
    with pytest.raises(TableReadError) as caught:
        read_table(data, name)
    assert time.perf_counter() - started < seconds
    message = str(caught.value)
    for word in words:
        assert word in message, message
    return message


def test_a_damaged_xls_gets_a_message(office_files):
    data = office_files["lo-roster.xls"]
    refused(data[: len(data) // 2], "cut.xls", ".xls", "已损坏")
    refused(OLE + b"\x00" * 4096, "zeros.xls", ".xls", "已损坏")
    refused(OLE + b"\x00" * 4096, "zeros.xlsx", ".xls", "已损坏")


def test_a_web_page_saved_as_xls_is_named_for_what_it_may_be():
    page = "<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode()
    refused(page, "导出.xls", "不是有效的 .xls", "网页")


def test_an_xlsx_saved_under_an_xls_name_is_read(office_files):
    dataset = read_table(office_files["roster.xlsx"], "花名册.xls")
    assert dataset.excel_rows[-1] == 13


def test_a_directory_chain_that_loops_is_refused_before_calamine_loops_on_it(office_files):
    data = bytearray(office_files["lo-roster.xls"])
    directory, first_fat = (
        struct.unpack_from("<I", data, 48)[0],
        struct.unpack_from("<I", data, 76)[0],
    )
    struct.pack_into("<I", data, (first_fat + 1) * 512 + 4 * directory, directory)
    refused(bytes(data), "loop.xls", "已损坏")


def test_a_dimensions_record_asking_for_billions_of_cells_is_refused(office_files):
    data = bytearray(office_files["lo-roster.xls"])
    at = data.index(b"\x00\x02\x0e\x00")  # DIMENSIONS, 14 bytes (BIFF8)
    struct.pack_into("<I", data, at + 8, 0xFFFFFFFF)  # last row + 1
    refused(bytes(data), "dims.xls", "异常大")


def test_one_cell_far_to_the_right_is_refused_as_in_an_xlsx(office_files):
    # 6 KB that python-calamine would turn into 65,536 × 256 cells (1 GB).
    assert len(office_files["lo-one-far-cell.xls"]) < 20_000
    refused(office_files["lo-one-far-cell.xls"], "far.xls", "第 256 列")
    refused(office_files["one-far-cell.xlsx"], "far.xlsx", "第 256 列")


def test_every_sheet_counts_because_calamine_reads_every_sheet_of_an_xls(office_files):
    # Three sheets of 65,536 × 60 cells: each within the limits, together 12 million.
    refused(office_files["lo-three-far-sheets.xls"], "sheets.xls", "异常大")


@override_settings(IMPORT_MAX_ROWS=5)
def test_the_row_limit_holds_for_xls(office_files):
    refused(office_files["lo-roster.xls"], "many.xls", "超过 5 行", "第 13 行")


@override_settings(IMPORT_MAX_FILE_SIZE=4096)
def test_the_file_size_limit_holds_for_xls(office_files):
    refused(office_files["lo-roster.xls"], "big.xls", "MB 的上限")


@override_settings(IMPORT_MAX_ROWS=3)
@pytest.mark.parametrize("name", ["merged-pairs.xlsx", "lo-merged-pairs.xls"])
def test_more_merged_ranges_than_rows_allowed_are_refused(office_files, name):
    refused(office_files[name], name, "4 个合并单元格区域")


@override_settings(IMPORT_MAX_ROWS=4)
@pytest.mark.parametrize("name", ["merged-pairs.xlsx", "lo-merged-pairs.xls"])
def test_merged_ranges_within_the_limit_are_filled(office_files, name):
    dataset = read_table(office_files[name], name)
    # The last pair reaches column H, where nothing is written: the sheet ends at G.
    assert dataset.headers == ["列0", "列0", "列1", "列1", "列2", "列2", "列3"]
    assert checked_table_bytes(office_files[name], name)


def test_merged_ranges_are_cut_to_the_cells_read_and_may_not_overlap():
    rows = [["a", ""], ["", ""]]
    fill_merged_cells(rows, [((0, 0), (1_048_575, 16_383))])
    assert rows == [["a", "a"], ["a", "a"]]
    with pytest.raises(TableReadError, match="重叠"):
        fill_merged_cells([["a", ""], ["", ""]], [((0, 0), (1, 1)), ((0, 0), (1, 1))])


def test_a_reader_panic_becomes_a_message(office_files, monkeypatch):
    import python_calamine

    class PanicException(BaseException):  # the name pyo3 gives a Rust panic
        pass

    def panic(*args, **kwargs):
        raise PanicException("index out of bounds")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", panic)
    refused(office_files["lo-roster.xls"], "panic.xls", "已损坏")


def test_other_names_and_binary_csv_say_what_is_accepted(office_files):
    refused(b"x", "名单.txt", "只接受 .xlsx、.xls 或 .csv 文件。")
    refused(office_files["lo-roster.xls"], "名单.csv", "Excel 97-2003", ".xlsx、.xls 或 CSV")
