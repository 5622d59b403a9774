"""django-import-export formats used by the admin, the pages and the commands alike.

Every spreadsheet the portal writes goes through `export_data` here, which escapes text
that a spreadsheet would run as a formula (core/cell_escaping.py); every uploaded one is
read by core/tables.py:read_table, which checks it against the import limits
(core/import_limits.py) first.
"""

from __future__ import annotations

import io

from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .cell_escaping import NumberText, escape_cell
from .tables import read_table


def _clean(value):
    # Control characters cannot be stored in .xlsx; drop them rather than fail the export.
    # Escaping comes after, so a dropped control character cannot uncover a formula.
    if isinstance(value, str) and not isinstance(value, NumberText):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return escape_cell(value)


def _as_bytes(in_stream) -> bytes:
    return in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        # The content tells .xlsx from .xls: an .xls saved under an .xlsx name is read too.
        return read_table(_as_bytes(in_stream), "upload.xlsx")

    def export_data(self, dataset, **kwargs):
        """Stream the rows in openpyxl's write-only mode: tablib builds every cell of an
        ordinary workbook in memory and measures every column (50,000 members: half the
        time and a third of the memory; benchmarks/README.md)."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(dataset.title or "Sheet1")
        sheet.freeze_panes = "A2"
        headers = list(dataset.headers or [])
        for index, name in enumerate(headers, start=1):
            # CJK characters are about two columns wide.
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) * 2 + 4)
        bold = Font(bold=True)
        header_cells = []
        for name in headers:
            cell = WriteOnlyCell(sheet, value=_clean(name))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in dataset:
            sheet.append([_clean(value) for value in row])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


class XLS(base_formats.Format):
    """Excel 97-2003 workbooks, read with python-calamine like .xlsx. Import only: the
    portal writes .xlsx (tablib's own .xls format would need xlrd and xlwt)."""

    def __init__(self, encoding: str | None = None) -> None:
        # import-export constructs formats with the admin's encoding; a workbook has none.
        self.encoding = encoding

    def get_title(self) -> str:
        return "xls"  # the admin's upload form picks the format whose title is the extension

    def create_dataset(self, in_stream, **kwargs):
        return read_table(_as_bytes(in_stream), "upload.xls")

    def get_extension(self) -> str:
        return "xls"

    def get_content_type(self) -> str:
        return "application/vnd.ms-excel"

    def can_import(self) -> bool:
        return True

    def can_export(self) -> bool:
        return False


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        return read_table(_as_bytes(in_stream), "upload.csv")

    def is_binary(self) -> bool:
        # Read bytes so that read_csv() decides the encoding (UTF-8 with/without BOM, GB18030).
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def export_data(self, dataset, **kwargs):
        headers = [escape_cell(h) for h in dataset.headers or []]
        escaped = dataset.__class__(headers=headers or None)
        escaped.title = dataset.title
        for row in dataset:
            escaped.append([escape_cell(value) for value in row])
        # A BOM makes Excel open the UTF-8 file with the right encoding.
        return "\ufeff" + super().export_data(escaped, **kwargs)
