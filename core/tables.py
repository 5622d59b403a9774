"""Reading the spreadsheets staff upload into a tablib Dataset, the same way everywhere.

.xlsx and .xls are read with python-calamine (about 15× faster than openpyxl on these
machines); CSV is decoded as UTF-8 with or without BOM, falling back to GB18030 because
Excel on a Chinese Windows saves "CSV" in that encoding. Cell types (text, number, date)
are kept so that widgets can refuse e.g. an ID number that Excel stored as a number.

Offices' files are not bare tables: a title merged across the columns, note rows (填报单位、
截至日期), blank rows, the header, the data, then footer rows (合计, 填表人, 备注). Reading
keeps all of it — merged cells filled with their value, every row with the number Excel
shows — and takes the first non-blank row as a provisional header; `locate_header` then
finds the real header with the table's column names and leaves only the data under it.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import tablib
from django.utils.translation import gettext as _

from .import_limits import (
    EXCEL_SUFFIXES,
    TableReadError,
    check_sheet_size,
    checked_table_bytes,
)


def normalise_header(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("(", "（").replace(")", "）")
    return "".join(text.split())


def build_dataset(rows: Iterable[Sequence[Any]]) -> tablib.Dataset:
    """A dataset of a sheet's `rows`, the first of them being Excel's row 1.

    The first non-blank row becomes the (provisional) header, normalised; every row is as
    wide as the right-most cell holding a value anywhere, blank cells None. The Excel row
    numbers are kept in `dataset.header_excel_row` and `dataset.excel_rows`."""
    body: list[list[Any]] = []
    numbers: list[int] = []
    width = 0
    for number, raw in enumerate(rows, start=1):
        # Blank cells ("" from calamine and csv, or spaces) become None; one comprehension
        # a row keeps 50,000 rows fast.
        row = [v if v.__class__ is not str or v.strip() else None for v in raw]
        while row and row[-1] is None:
            row.pop()
        if not row and not body:
            continue  # blank rows above the first one holding something
        body.append(row)
        numbers.append(number)
        width = max(width, len(row))
    while body and not body[-1]:
        body.pop()
        numbers.pop()
    if not body:
        raise TableReadError(_("文件是空的：没有找到表头和数据。"))
    for row in body:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    header, *data = body
    dataset = tablib.Dataset(*data, headers=[normalise_header(h) for h in header])
    dataset.header_excel_row = numbers[0]
    dataset.excel_rows = numbers[1:]
    return dataset


#: a merged range as python-calamine gives it: (top, left), (bottom, right), 0-based
MergedRange = tuple[tuple[int, int], tuple[int, int]]


def fill_merged_cells(rows: list[list[Any]], merged: Iterable[MergedRange]) -> None:
    """Give every cell of a merged range its top-left value, as Excel shows it (a title
    over all columns, an organisation over its members' rows). Ranges are cut to the cells
    read, so a range reaching row 1,048,576 costs no more than the sheet itself."""
    if not rows:
        return
    height, width = len(rows), len(rows[0])
    filled = 0
    for (top, left), (bottom, right) in merged:
        if top >= height or left >= width:
            continue
        bottom, right = min(bottom, height - 1), min(right, width - 1)
        filled += (bottom - top + 1) * (right - left + 1)
        if filled > height * width:
            # Only overlapping ranges can cover more cells than the sheet has.
            raise TableReadError(
                _("工作表里的合并单元格相互重叠，文件可能已损坏。请取消合并后再导入。")
            )
        value = rows[top][left]
        for row in rows[top : bottom + 1]:
            row[left : right + 1] = [value] * (right - left + 1)


def read_excel(data: bytes) -> tablib.Dataset:
    """An .xlsx or .xls (python-calamine tells them by their content), first sheet."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        end = sheet.end
        # What calamine built, before Python objects are made of it (the .xls checks
        # bound every sheet; this is the exact size of the one imported).
        check_sheet_size(*((end[0] + 1, end[1] + 1) if end else (0, 0)))
        rows = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or ()
    except TableReadError:
        raise
    except (CalamineError, ValueError, OSError) as exc:
        raise TableReadError(
            _("无法读取该 Excel 文件，请确认是 .xlsx 或 .xls 格式且未损坏。")
        ) from exc
    except BaseException as exc:
        # A damaged file can make the Rust reader panic: pyo3 raises its PanicException,
        # which is not an Exception. Anything else (KeyboardInterrupt …) goes on.
        if type(exc).__name__ != "PanicException":
            raise
        raise TableReadError(
            _("无法读取该 Excel 文件：文件已损坏。请在 Excel 中打开并另存为 .xlsx 后再导入。")
        ) from None
    fill_merged_cells(rows, merged)
    return build_dataset(rows)


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableReadError(_("无法识别 CSV 文件的编码，请另存为“CSV UTF-8”格式。"))


def read_csv(data: bytes) -> tablib.Dataset:
    text = decode_text(data)
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise TableReadError(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from exc
    return build_dataset(rows)


def read_table(data: bytes, filename: str) -> tablib.Dataset:
    # Zip bombs, sheets too large to read, binary "CSV": refused before anything reads them.
    data = checked_table_bytes(data, filename)
    name = filename.lower()
    if name.endswith(EXCEL_SUFFIXES):
        return read_excel(data)
    if name.endswith(".csv"):
        return read_csv(data)
    raise TableReadError(_("只接受 .xlsx、.xls 或 .csv 文件。"))


def cell_text(value: Any) -> str:
    """A cell as text; integral numbers lose their '.0' (Excel stores 3 as 3.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# --- finding the header ------------------------------------------------------------------

#: how the rows under a table start (after spaces are removed): totals, signatures, notes
FOOTER_PREFIXES = (
    "合计", "总计", "小计", "填表人", "制表人", "填报人", "审核人", "负责人", "联系人",
    "备注", "说明", "注：", "注:",
)  # fmt: skip


@dataclass(frozen=True)
class HeaderFound:
    """What `locate_header` found and left out, for the importer to tell the user."""

    found: bool
    #: the header's row as Excel shows it
    header_excel_row: int
    #: header texts of columns that are not the table's (序号, other systems' columns)
    ignored: tuple[str, ...] = ()
    #: columns named twice (directly or by an alias)
    duplicates: tuple[str, ...] = ()
    #: Excel rows of the footer (合计, 填表人 …) dropped below the data
    footer_rows: tuple[int, ...] = ()
    #: data in a column without a header, one message per column
    errors: tuple[str, ...] = ()


def _is_header(cells: Sequence[str], canonical: Callable[[str], str | None]) -> bool:
    texts = [t for t in cells if t]
    known = sum(1 for t in texts if canonical(t))
    return known >= 2 and known * 2 >= len(texts)


def _is_footer(row: Sequence[Any]) -> bool:
    for value in row:
        if value is not None:
            return normalise_header(value).startswith(FOOTER_PREFIXES)
    return False


def column_letter(index: int) -> str:
    """Excel's name of the 0-based column `index` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def locate_header(
    dataset: tablib.Dataset,
    canonical: Callable[[str], str | None],
    *,
    search_rows: int = 30,
) -> HeaderFound:
    """Find the header among the provisional header and the next `search_rows` rows and
    rewrite `dataset` in place to the table under it.

    `canonical` maps a normalised header text to the table's column (aliases included), or
    None. The header is the first row in which at least two non-empty cells, and at least
    half of them, name known columns. Found, the dataset keeps the rows below it with the
    known columns under their canonical names; footer rows at the end are dropped. Not
    found, the dataset is left as it was."""
    header_row: int = getattr(dataset, "header_excel_row", 1)
    excel_rows: list[int] = list(
        getattr(dataset, "excel_rows", None) or range(header_row + 1, header_row + 1 + len(dataset))
    )
    candidates = [list(dataset.headers or [])]
    candidates += [[normalise_header(v) for v in row] for row in dataset[:search_rows]]
    at = next((i for i, cells in enumerate(candidates) if _is_header(cells, canonical)), None)
    if at is None:
        return HeaderFound(found=False, header_excel_row=header_row)
    header = candidates[at]
    if at:
        header_row = excel_rows[at - 1]
        del dataset[0:at]
        del excel_rows[0:at]

    # The footer: the first footer-like row after which nothing but footer-like or blank
    # rows follow. A 合计 row with data under it stays (and fails as data, with its row).
    end = len(dataset)
    for i in range(len(dataset) - 1, -1, -1):
        row = dataset[i]
        if _is_footer(row):
            end = i
        elif any(v is not None for v in row):
            break
    footer_rows = tuple(
        number
        for number, row in zip(excel_rows[end:], dataset[end:], strict=True)
        if any(v is not None for v in row)
    )
    while end and all(v is None for v in dataset[end - 1]):
        end -= 1  # blank rows between the data and the footer
    del dataset[end:]
    del excel_rows[end:]

    keep: list[int] = []
    names: list[str] = []
    ignored: list[str] = []
    duplicates: list[str] = []
    errors: list[str] = []
    for index, text in enumerate(header):
        if not text:
            column = dataset.get_col(index)
            first = next((n for n, v in zip(excel_rows, column, strict=True) if v is not None), 0)
            if first:
                errors.append(
                    _("第%(row)d行 第%(column)s列有数据，但该列没有表头。请删除该列或补上表头。")
                    % {"row": first, "column": column_letter(index)}
                )
            continue
        name = canonical(text)
        if name is None:
            ignored.append(text)
            continue
        if name in names and name not in duplicates:
            duplicates.append(name)
        keep.append(index)
        names.append(name)

    dropped = sorted(set(range(len(header))) - set(keep), reverse=True)
    if dropped:
        # tablib deletes a column by its header: name each column uniquely first. (Building
        # the rows anew costs far more: every append is checked.)
        dataset.headers = [str(i) for i in range(len(header))]
        for index in dropped:
            del dataset[str(index)]
    dataset.headers = names
    dataset.header_excel_row = header_row
    dataset.excel_rows = excel_rows
    return HeaderFound(
        found=True,
        header_excel_row=header_row,
        ignored=tuple(ignored),
        duplicates=tuple(duplicates),
        footer_rows=footer_rows,
        errors=tuple(errors),
    )
