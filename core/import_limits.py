"""Refusing import files that would cost too much to read, before anything reads them.

Every import path (the admin's upload and its row count, `import_data`, background jobs)
hands the raw bytes to `checked_table_bytes` first. It costs one pass over the file at most
and refuses, with a message in Chinese:

- files larger than IMPORT_MAX_FILE_SIZE;
- Excel files (.xlsx or .xls by name; which of the two is told by the content, so a renamed
  .xls is read as what it is) that are neither a zip archive nor an OLE compound file;
- .xlsx archives whose members *declare* more than IMPORT_MAX_UNCOMPRESSED_BYTES in total,
  or compress suspiciously well (a zip bomb): decided from the central directory alone,
  so a 500 KB file that would inflate to 500 MB is refused without inflating it;
- a first worksheet whose cell range is larger than IMPORT_MAX_ROWS rows or MAX_COLUMNS
  columns (python-calamine allocates the whole rectangle from A1 to the last cell holding a
  value, blank text included, before Python sees a row: one stray space in row 1,048,576
  costs 0.5 GB and a dozen seconds), with more merged ranges than IMPORT_MAX_ROWS, or whose
  formulas have no stored result (see below);
- .xls files whose compound-file structure is broken (chains that loop or leave the file:
  python-calamine would loop for ever or abort the process) or whose sheets would make
  python-calamine allocate more than MAX_XLS_CELLS cells: it reads *every* sheet of an .xls
  when it opens it, and a 6 KB file with one cell in A1 and one in IV65536 costs 1 GB;
- .csv files that are binary, have a line longer than the csv module accepts, or more than
  IMPORT_MAX_ROWS lines before the last one holding data. Trailing blank lines (Excel
  writes `,,,` for formatted empty rows) are cut off here, so they cost nothing later.

Formula cells: the portal imports what the person saw in Excel, i.e. the result Excel
stored with the formula (python-calamine returns it). A formula is never evaluated here, so
it cannot run anything; staff commonly fill a code column with VLOOKUP, and refusing every
formula would make them paste values first for no gain. A formula *without* a stored result
(files written by programs that do not calculate) would silently import as an empty cell,
so such an .xlsx is refused with the cell's position.
"""

from __future__ import annotations

import csv
import functools
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


class TableReadError(ValueError):
    """The file cannot be read as a table at all (wrong format, damaged, empty, too large)."""


MB = 1024 * 1024
#: no data-dictionary table is wider than this; the cell rectangle python-calamine builds is
#: bounded by rows × this many columns
MAX_COLUMNS = 64
#: ordinary worksheets compress 5–30×; a member much smaller than it claims to inflate to
#: is a zip bomb (deflate tops out near 1,000×)
MAX_COMPRESSION_RATIO = 200
#: a ratio is only suspicious for members that inflate to something large
RATIO_CHECK_FROM = 4 * MB
#: more members than any workbook has is a cheap way to make the central directory costly
MAX_ZIP_MEMBERS = 1000
CHUNK = 1024 * 1024

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls / .doc
ZIP_SIGNATURE = b"PK\x03\x04"
#: the names read as Excel workbooks; the content tells .xlsx from .xls
EXCEL_SUFFIXES = (".xlsx", ".xls")
BINARY_SIGNATURES = (
    (OLE_SIGNATURE, "Excel 97-2003 (.xls)"),
    (ZIP_SIGNATURE, "Excel (.xlsx) 或其他压缩包"),
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
)


def max_file_size() -> int:
    return settings.IMPORT_MAX_FILE_SIZE


def max_uncompressed_bytes() -> int:
    return settings.IMPORT_MAX_UNCOMPRESSED_BYTES


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}"


def checked_table_bytes(data: bytes, filename: str) -> bytes:
    """`data` if it is safe to read as a table (CSV: without its trailing blank lines);
    raises TableReadError with a message for the uploader otherwise."""
    if len(data) > max_file_size():
        raise TableReadError(
            _("文件有 %(size)s MB，超过 %(limit)s MB 的上限，请拆分后导入。")
            % {"size": _megabytes(len(data)), "limit": _megabytes(max_file_size())}
        )
    name = filename.lower()
    if name.endswith(EXCEL_SUFFIXES):
        check_excel(data, name)
        return data
    if name.endswith(".csv"):
        return checked_csv(data)
    return data  # read_table() refuses other names with its own message


def check_excel(data: bytes, name: str) -> None:
    if data.startswith(OLE_SIGNATURE):
        check_xls(data)
    elif name.endswith(".xls") and not data.startswith(ZIP_SIGNATURE):
        raise TableReadError(
            _(
                "无法读取该 Excel 文件：它不是有效的 .xls（可能已损坏、未完整上传，"
                "或是改了扩展名的网页、文本文件）。请在 Excel 中打开并“另存为”.xlsx 后再导入。"
            )
        )
    else:
        check_xlsx(data)


def check_sheet_size(rows: int, columns: int) -> None:
    """Refuse a first worksheet whose rectangle from A1 (`rows` × `columns`, the header
    and any title rows included) is larger than an import may be."""
    limit = max_rows()
    if rows > limit + 1:
        raise TableReadError(
            _(
                "工作表的数据区域超过 %(limit)d 行数据的上限（第 %(rows)d 行仍有内容）。"
                "如果下方是空行，说明其中某些单元格里还有空格等内容：请选中最后一行数据"
                "以下的所有行并“删除”（不是清除内容），保存后再导入；数据确实超过上限的请拆分文件。"
            )
            % {"rows": rows, "limit": limit}
        )
    if columns > MAX_COLUMNS:
        raise TableReadError(
            _("工作表的数据区域延伸到第 %(n)d 列，远超模板的列数。请删除多余的列后再导入。")
            % {"n": columns}
        )


def check_merged_ranges(count: int) -> None:
    """Every merged range becomes Python objects and a fill of its cells: allow one per
    row, far more than offices merge (titles, an organisation over its members' rows)."""
    if count > max_rows():
        raise TableReadError(
            _("工作表里有 %(n)d 个合并单元格区域，不像正常的表格，已拒绝。请取消合并后再导入。")
            % {"n": count}
        )


# --- .xlsx -------------------------------------------------------------------------------


def check_xlsx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise TableReadError(
            _(
                "无法读取该 Excel 文件：它不是有效的 .xlsx"
                "（可能已损坏、未完整上传，或只是改了扩展名）。"
            )
        ) from None
    with archive:
        members = archive.infolist()
        check_declared_sizes(members)
        sheet = first_sheet_name(archive)
        if sheet is None:
            raise TableReadError(_("无法读取该 Excel 文件：文件里没有工作表。"))
        SheetScan.of(archive, sheet).check()


def check_declared_sizes(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb from the central directory, before inflating a byte of it."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise TableReadError(
            _("该 Excel 文件包含 %(n)d 个内部文件，不像正常的工作簿，已拒绝。")
            % {"n": len(members)}
        )
    declared = sum(info.file_size for info in members)
    if declared > max_uncompressed_bytes():
        raise TableReadError(
            _(
                "该 Excel 文件解压后有 %(size)s MB，超过 %(limit)s MB 的上限"
                "（可能是恶意构造的压缩文件），已拒绝。请只保留需要导入的数据后再试。"
            )
            % {"size": _megabytes(declared), "limit": _megabytes(max_uncompressed_bytes())}
        )
    for info in members:
        if info.file_size >= RATIO_CHECK_FROM and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise TableReadError(
                _(
                    "该 Excel 文件的压缩比异常（%(name)s 压缩了 %(ratio)d 倍），"
                    "可能是恶意构造的文件，已拒绝。"
                )
                % {"name": info.filename, "ratio": info.file_size // max(info.compress_size, 1)}
            )


SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\b\w+:id=\"([^\"]+)\"")
RELATIONSHIP_RE = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
ATTRIBUTE_RE = re.compile(rb"\b(\w+)=\"([^\"]*)\"")
SMALL_PART = 4 * MB  # workbook.xml and its relationships are a few KB


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > SMALL_PART:
        return None
    with archive.open(info) as handle:
        return handle.read(SMALL_PART)


def first_sheet_name(archive: zipfile.ZipFile) -> str | None:
    """The archive member python-calamine reads as sheet 0: the first <sheet> of the
    workbook, through its relationship; the first worksheet part if that cannot be told."""
    try:
        workbook = _small_part(archive, "xl/workbook.xml")
        rels = _small_part(archive, "xl/_rels/workbook.xml.rels")
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        workbook = rels = None
    if workbook and rels:
        first = SHEET_RE.search(workbook)
        if first:
            for tag in RELATIONSHIP_RE.finditer(rels):
                attributes = dict(ATTRIBUTE_RE.findall(tag.group(1)))
                if attributes.get(b"Id") == first.group(1) and b"Target" in attributes:
                    target = attributes[b"Target"].decode("utf-8", "replace")
                    name = target.lstrip("/") if target.startswith("/") else "xl/" + target
                    name = posixpath.normpath(name)
                    if name in archive.namelist():
                        return name
    sheets = sorted(
        n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")
    )
    return sheets[0] if sheets else None


# The patterns only look at cells that hold something (a value, inline text or a formula):
# python-calamine skips empty and merely formatted cells, so Excel's formatted blank rows
# cost nothing. Every writer we know puts the position first (<c r="B7" …>); patterns with
# that literal prefix are fast, the general ones (about 5× slower) only run on a piece of
# XML where some cell or row does not start that way.
HOLDS = rb"[^>]*>\s*<(?:v|is|f)\b"
NO_REFERENCE = rb"(?=[\s>/])(?![^>]*\sr=\")"
# A cell or row tag whose first attribute is not its position.
UNUSUAL_CELL_RE = re.compile(rb"<c(?:>|/>|\s(?!r=\"))")
UNUSUAL_ROW_RE = re.compile(rb"<row(?:>|/>|\s(?!r=\"))")
CELL_WITHOUT_REFERENCE_RE = re.compile(rb"<c" + NO_REFERENCE + HOLDS)
ROW_WITHOUT_REFERENCE_RE = re.compile(rb"<row" + NO_REFERENCE + rb"[^>]*>")
REFERENCE_RE = re.compile(rb"\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
# <mergeCell ref="A1:F1"/>, not its container <mergeCells>.
MERGED_RANGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\b")
# A formula cell without a stored result: <f>…</f> or <f …/>, then an empty or no <v>.
FORMULA_WITHOUT_RESULT_RE = re.compile(
    rb"<c\b([^>]*)>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


@functools.cache
def far_cell_re(digits: int, *, general: bool) -> re.Pattern[bytes]:
    """Cells holding something in a row numbered with at least `digits` digits: the only
    rows that can break the limit, so an ordinary file has few or none."""
    start = rb"<c\s[^>]*?\br=\"" if general else rb"<c r=\""
    return re.compile(start + rb"[A-Z]{1,3}([0-9]{%d,7})\"" % digits + HOLDS)


@functools.cache
def wide_cell_re(*, general: bool) -> re.Pattern[bytes]:
    """Cells holding something beyond column Z."""
    start = rb"<c\s[^>]*?\br=\"" if general else rb"<c r=\""
    return re.compile(start + rb"([A-Z]{2,3})[0-9]{1,7}\"" + HOLDS)


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class SheetScan:
    """What python-calamine will build from one worksheet, found with a few regular
    expressions over its XML while it is inflated in 1 MB pieces (never whole)."""

    max_row: int = 0
    max_column: int = 0
    cells_without_reference: int = 0
    rows_without_reference: int = 0
    formula_without_result: str = ""
    merged_ranges: int = 0
    #: digits of the smallest row number that could exceed the limit
    digits: int = 6

    @classmethod
    def of(cls, archive: zipfile.ZipFile, name: str) -> SheetScan:
        scan = cls(digits=len(str(max_rows() + 1)))
        try:
            with archive.open(name) as handle:
                carry = b""
                while True:
                    chunk = handle.read(CHUNK)
                    buffer = carry + chunk
                    if not chunk:
                        scan.feed(buffer)
                        break
                    # Cut before the last cell or row tag, so that no match spans two pieces.
                    cut = max(buffer.rfind(b"<c"), buffer.rfind(b"<row"))
                    if cut <= 0 or len(buffer) - cut > CHUNK:
                        cut = max(len(buffer) - 256, 0)
                    scan.feed(buffer[:cut])
                    carry = buffer[cut:]
                    if scan.too_large():
                        break  # refused anyway: no need to inflate the rest
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
            # A wrong CRC, a truncated member or an unknown compression method.
            raise TableReadError(
                _("无法读取该 Excel 文件：工作表数据已损坏或不完整，请重新保存后再导入。")
            ) from None
        return scan

    def feed(self, xml: bytes) -> None:
        unusual_cells = UNUSUAL_CELL_RE.search(xml) is not None
        # findall and map keep the per-cell work in C: a sheet of a million rows has as many
        # candidates below.
        far = far_cell_re(self.digits, general=unusual_cells).findall(xml)
        if far:
            self.max_row = max(self.max_row, *map(int, far))
        wide = wide_cell_re(general=unusual_cells).findall(xml)
        if wide:
            self.max_column = max(self.max_column, *map(column_number, wide))
        if unusual_cells:
            self.cells_without_reference += sum(1 for _ in CELL_WITHOUT_REFERENCE_RE.finditer(xml))
        if UNUSUAL_ROW_RE.search(xml):
            self.rows_without_reference += sum(1 for _ in ROW_WITHOUT_REFERENCE_RE.finditer(xml))
        if b"mergeCell" in xml:
            self.merged_ranges += len(MERGED_RANGE_RE.findall(xml))
        if not self.formula_without_result and b"<f" in xml:
            found = FORMULA_WITHOUT_RESULT_RE.search(xml)
            if found:
                reference = REFERENCE_RE.search(found.group(1))
                self.formula_without_result = (
                    (reference.group(1) + reference.group(2)).decode() if reference else "?"
                )

    @property
    def rows(self) -> int:
        """An upper bound of the rows python-calamine allocates (cells and rows without a
        position continue from the previous one)."""
        if not self.rows_without_reference:
            return self.max_row
        # Rows below 10^(digits-1) are not tracked: assume the largest of them.
        return max(self.max_row, 10 ** (self.digits - 1) - 1) + self.rows_without_reference

    @property
    def columns(self) -> int:
        # Single-letter columns (at most 26) are not tracked: they are within the limit.
        return max(self.max_column, 26 if self.cells_without_reference else 0) + (
            self.cells_without_reference
        )

    def too_large(self) -> bool:
        return (
            self.rows > max_rows() + 1
            or self.columns > MAX_COLUMNS
            or self.merged_ranges > max_rows()
        )

    def check(self) -> None:
        check_sheet_size(self.rows, self.columns)
        check_merged_ranges(self.merged_ranges)
        if self.formula_without_result:
            raise TableReadError(
                _(
                    "单元格 %(cell)s 是公式，但文件里没有保存它的计算结果"
                    "（通常是由程序生成的文件）。"
                    "请在 Excel 中打开并保存一次，或把公式“选择性粘贴为数值”后再导入。"
                )
                % {"cell": self.formula_without_result}
            )


# --- .xls --------------------------------------------------------------------------------
#
# An .xls is an OLE compound file (MS-CFB) holding a "Workbook" stream of BIFF records
# (MS-XLS). python-calamine trusts both: a sector chain that loops makes it loop for ever, a
# count in a header or a DIMENSIONS record is reserved as memory before anything is
# checked, and every sheet is read into a rectangle from its first to its last cell when
# the workbook is opened. So the structure is walked here first, the way calamine walks it
# (its src/cfb.rs and src/xls.rs), refusing what would loop, leave the file or cost more
# than a sheet of the import's own size.

#: cells python-calamine may allocate for all sheets of one .xls together: as many as the
#: largest first sheet an .xls can hold within the column limit (about 4 million; 130 MB)
MAX_XLS_CELLS = 65536 * MAX_COLUMNS
#: a DIMENSIONS record is reserved as it says, up to the format's own sheet size
MAX_XLS_RESERVED_CELLS = 65536 * 256
#: more sheets than any workbook has would only multiply the reading
MAX_XLS_SHEETS = 256
#: a mini FAT of this many sectors covers 2 MB of small streams; calamine reserves memory
#: from a header field that grows 65,536-fold with it
MAX_MINI_FAT_SECTORS = 255

END_OF_CHAIN = 0xFFFFFFFE
RESERVED_SECTORS = 0xFFFFFFFA
DIFAT_SECTOR = 0xFFFFFFFC
MINI_STREAM_CUTOFF = 4096
WORKBOOK_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")

BOF, EOF, BOUND_SHEET, DIMENSIONS, MERGE_CELLS = 0x0809, 0x000A, 0x0085, 0x0200, 0x00E5
FORMULA, MUL_RK = 0x0006, 0x00BD
#: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST: row and column first
CELL_RECORDS = frozenset((0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD))


class DamagedXls(Exception):
    """The compound file or its records are not what calamine can walk safely."""


def check_xls(data: bytes) -> None:
    try:
        stream = workbook_stream(data)
        sheets = scan_workbook(stream)
    except (DamagedXls, struct.error, IndexError, UnicodeDecodeError):
        raise TableReadError(
            _(
                "无法读取该 Excel 97-2003（.xls）文件：文件已损坏或不完整。"
                "请在 Excel 中打开并“另存为”.xlsx 后再导入。"
            )
        ) from None
    if sheets:
        first = sheets[0]
        check_sheet_size(first.last_row + 1, first.last_column + 1)
    check_merged_ranges(sum(s.merged_ranges for s in sheets))
    cells = sum(s.cells for s in sheets)
    if cells > MAX_XLS_CELLS or any(s.reserved > MAX_XLS_RESERVED_CELLS for s in sheets):
        raise TableReadError(
            _(
                "该 .xls 文件的工作表区域异常大（共约 %(n)d 万个单元格），"
                "可能是恶意构造的文件，已拒绝。请只保留需要导入的数据，另存为 .xlsx 后再导入。"
            )
            % {"n": max([cells, *(s.reserved for s in sheets)]) // 10000}
        )


def workbook_stream(data: bytes) -> bytes:
    """The workbook stream of an OLE compound file, found as calamine finds it."""
    if len(data) < 512:
        raise DamagedXls
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise DamagedXls
    size = 1 << shift
    fat_sectors, directory_start = struct.unpack_from("<II", data, 44)
    mini_fat_start, mini_fat_sectors, difat_start = struct.unpack_from("<III", data, 60)
    body = data[size:]  # sector n starts at (n + 1) × size: the header is sector -1
    count = -(-len(body) // size)
    # calamine reserves a vector as long as the field at offset 62 says (it means the
    # DIFAT's length, but reads half of two other fields).
    if fat_sectors > count or mini_fat_sectors > MAX_MINI_FAT_SECTORS:
        raise DamagedXls

    def sector(number: int) -> bytes:
        if number >= count:
            raise DamagedXls
        return body[number * size : (number + 1) * size]

    difat = list(struct.unpack_from("<109I", data, 76))
    seen: set[int] = set()
    number = difat_start
    while number < RESERVED_SECTORS:
        if number in seen:
            raise DamagedXls
        seen.add(number)
        page = sector(number)
        difat.extend(struct.unpack(f"<{len(page) // 4}I", page))
        number = difat.pop()
    fat: list[int] = []
    for number in difat:
        if number < DIFAT_SECTOR:
            page = sector(number)
            fat.extend(struct.unpack(f"<{len(page) // 4}I", page))

    def chain(start: int, table: list[int], read, limit: int) -> bytes:
        """The sectors from `start` as calamine joins them, refusing a loop or a link
        that leaves the table (calamine would loop for ever or panic)."""
        parts: list[bytes] = []
        length = 0
        visited: set[int] = set()
        number = start
        while number != END_OF_CHAIN and length < limit:
            if number in visited or number >= len(table):
                raise DamagedXls
            visited.add(number)
            part = read(number)
            parts.append(part)
            length += len(part)
            number = table[number]
        return b"".join(parts)[:limit]

    directory = chain(directory_start, fat, sector, len(body) + size)
    entries = [directory[at : at + 128] for at in range(0, len(directory) - 127, 128)]
    if not entries:
        raise DamagedXls
    names = [e[:64].decode("utf-16-le", "replace").split("\x00")[0] for e in entries]

    def entry_span(entry: bytes) -> tuple[int, int]:
        start, low, high = struct.unpack_from("<III", entry, 116)
        return start, low if shift == 9 else low | high << 32

    mini_fat: list[int] = []
    mini_stream = b""
    if mini_fat_sectors:
        root_start, root_length = entry_span(entries[0])
        mini_stream = chain(root_start, fat, sector, root_length)
        table = chain(mini_fat_start, fat, sector, mini_fat_sectors * size)
        mini_fat = list(struct.unpack(f"<{len(table) // 4}I", table[: len(table) // 4 * 4]))

    def mini_sector(number: int) -> bytes:
        return mini_stream[number * 64 : (number + 1) * 64]

    for wanted in WORKBOOK_STREAMS:
        if wanted in names:
            start, length = entry_span(entries[names.index(wanted)])
            if length < MINI_STREAM_CUTOFF:
                return chain(start, mini_fat, mini_sector, length)
            return chain(start, fat, sector, length)
    raise DamagedXls


@dataclass
class XlsSheet:
    """What python-calamine allocates for one sheet of an .xls."""

    last_row: int = -1
    last_column: int = -1
    cells: int = 0
    reserved: int = 0
    merged_ranges: int = 0
    #: bytes of the stream walked for this sheet
    walked: int = 0


def records(stream: bytes, at: int) -> Iterator[tuple[int, int, int]]:
    """(type, start of data, length) of the BIFF records from `at` on."""
    end = len(stream)
    unpack = struct.Struct("<HH").unpack_from
    while at + 4 <= end:
        kind, length = unpack(stream, at)
        at += 4
        if at + length > end:
            raise DamagedXls
        yield kind, at, length
        at += length
    if at != end:
        raise DamagedXls


def scan_workbook(stream: bytes) -> list[XlsSheet]:
    positions = []
    for kind, start, length in records(stream, 0):
        if kind == EOF:
            break
        if kind == BOUND_SHEET:
            if length < 6:
                raise DamagedXls
            positions.append(struct.unpack_from("<I", stream, start)[0])
    if len(positions) > MAX_XLS_SHEETS:
        raise DamagedXls
    sheets = [scan_sheet(stream, at) for at in positions]
    # Sheets that overlap make calamine read the same records again, once per sheet.
    if sum(s.walked for s in sheets) > len(stream):
        raise DamagedXls
    return sheets


def scan_sheet(stream: bytes, at: int) -> XlsSheet:
    """One sheet's records from its BOF on, as calamine reads them: up to its EOF,
    skipping the substreams (embedded charts) nested in it."""
    if at > len(stream):
        raise DamagedXls
    sheet = XlsSheet()
    # [first row, last row, first column, last column] of the values and of the formulas:
    # calamine builds one rectangle of each
    values = [1 << 32, -1, 1 << 32, -1]
    formulas = [1 << 32, -1, 1 << 32, -1]
    position = struct.Struct("<HH").unpack_from
    nested = 0
    seen_bof = False
    end = at
    for kind, start, length in records(stream, at):
        end = start + length
        if nested:
            if kind == BOF:
                nested += 1
            elif kind == EOF:
                nested -= 1
        elif kind in CELL_RECORDS or kind == FORMULA:
            if length < 4:
                raise DamagedXls
            row, column = position(stream, start)
            _extend(values, row, column, column)
            if kind == FORMULA:
                _extend(formulas, row, column, column)
        elif kind == MUL_RK:
            if length < 6:
                raise DamagedXls
            row, first = position(stream, start)
            (last,) = struct.unpack_from("<H", stream, start + length - 2)
            _extend(values, row, first, max(first, last))
        elif kind == DIMENSIONS:
            sheet.reserved = max(sheet.reserved, _reserved(stream[start : start + length]))
        elif kind == MERGE_CELLS:
            (count,) = struct.unpack_from("<H", stream, start) if length >= 2 else (-1,)
            if count < 0 or length < 2 + 8 * count:
                raise DamagedXls  # calamine would read past the record and panic
            sheet.merged_ranges += count
        elif kind == BOF:
            nested, seen_bof = (nested + 1 if seen_bof else nested), True
        elif kind == EOF:
            break
    sheet.walked = end - at
    sheet.last_row, sheet.last_column = values[1], values[3]
    sheet.cells = _area(values) + _area(formulas)
    return sheet


def _extend(corners: list[int], row: int, first: int, last: int) -> None:
    corners[0] = min(corners[0], row)
    corners[1] = max(corners[1], row)
    corners[2] = min(corners[2], first)
    corners[3] = max(corners[3], last)


def _area(corners: list[int]) -> int:
    if corners[1] < 0:
        return 0
    return (corners[1] - corners[0] + 1) * (corners[3] - corners[2] + 1)


def _reserved(record: bytes) -> int:
    """The cells calamine reserves for a DIMENSIONS record (its parse_dimensions)."""
    if len(record) == 10:
        first_row, last_row, first_column, last_column = struct.unpack("<4H", record[:8])
    elif len(record) == 14:
        first_row, last_row, first_column, last_column = struct.unpack("<IIHH", record[:12])
    else:
        return 0  # calamine stops with an error
    if first_column > 0xFF or last_column < first_column:
        first_column = 0
    if last_row < 1 or last_column < 1:
        return 1
    if last_row - 1 < first_row or last_column - 1 < first_column:
        # calamine's subtraction would wrap round to a huge reservation
        return MAX_XLS_RESERVED_CELLS + 1
    return (last_row - first_row) * (last_column - first_column)


# --- .csv --------------------------------------------------------------------------------

TRAILING_BLANK = b' \t\r\n,"'
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))


def checked_csv(data: bytes) -> bytes:
    head = data[:8192]
    for signature, label in BINARY_SIGNATURES:
        if head.startswith(signature):
            raise TableReadError(
                _(
                    "这不是 CSV 文本文件，而是 %(kind)s 文件（按文件内容判断）。"
                    "请上传 .xlsx、.xls 或 CSV 文件。"
                )
                % {"kind": label}
            )
    if b"\x00" in head or sum(head.count(bytes([b])) for b in CONTROL_BYTES) > len(head) // 100:
        raise TableReadError(
            _(
                "这不是 CSV 文本文件（文件里有大量控制字符，可能是二进制文件）。"
                "请另存为“CSV UTF-8”后再导入。"
            )
        )
    # Blank lines after the last value: Excel writes ",,," for formatted empty rows. The
    # last line holding a value is kept whole (its closing quote, its empty last fields).
    line_break = b"\n" if b"\n" in data else b"\r"
    end = data.find(line_break, len(data.rstrip(TRAILING_BLANK)))
    body = data if end == -1 else data[:end]
    if not body.strip(TRAILING_BLANK):
        body = b""
    lines = body.count(line_break) + 1 if body else 0
    limit = max_rows()
    if lines > limit + 1:
        raise TableReadError(
            _("文件有 %(rows)d 行数据，超过 %(limit)d 行的上限，请拆分后导入。")
            % {"rows": lines - 1, "limit": limit}
        )
    longest = csv.field_size_limit()
    if len(body) > longest:
        for number, line in enumerate(body.split(line_break), start=1):
            if len(line) > longest:
                raise TableReadError(
                    _("第%(row)d行过长（%(size)d KB），单元格内容不能超过 %(limit)d KB。")
                    % {"row": number, "size": len(line) // 1024, "limit": longest // 1024}
                )
    return body + line_break if body else body
