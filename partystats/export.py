"""The statistics as files: an .xlsx workbook with one sheet per table (numbers as number
cells, a frozen bold header), and the JSON of `party_statistics --format json`."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.cell_escaping import escape_cell

from .categories import member_tables
from .selectors import ORG_JSON, PartyStatistics
from .text import statistics_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetml.sheet"
#: characters Excel refuses in a sheet name
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "·"))


def _sheet_name(title: str, taken: set[str]) -> str:
    name = title.translate(SHEET_NAME_FORBIDDEN)[:31]
    while name in taken:
        name = name[:29] + f"{len(taken):02d}"
    taken.add(name)
    return name


def workbook_bytes(stats: PartyStatistics) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = _("说明")
    cover.append([_("党内统计"), escape_cell(stats.org.name)])
    cover.append([_("统计截至"), stats.as_of])
    cover.cell(row=2, column=2).number_format = "yyyy-mm-dd"
    cover.append([])
    for paragraph in statistics_text(stats):
        cover.append([escape_cell(paragraph)])
    cover.column_dimensions["A"].width = 100
    taken = {cover.title}
    headers = [_("项目"), _("合计"), *(escape_cell(c.name) for c in stats.columns)]
    for table in stats.tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, taken))
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in table.lines:
            if line.missing:
                sheet.append([line.label, line.missing])
                continue
            sheet.append([line.label, line.total, *line.cells])
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        sheet.freeze_panes = "B2"
        sheet.column_dimensions["A"].width = 36
        for index in range(2, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _by_label(stats: PartyStatistics, key: str) -> dict[str, int]:
    return {line.label: line.total for line in stats.table(key).lines}


def statistics_json(stats: PartyStatistics) -> dict[str, Any]:
    """The figures of the whole subtree under stable keys (see docs/party-statistics.md)."""
    overview = {line.key: line.total for line in stats.table("overview").lines}
    organisations = {line.key: line.total for line in stats.table("organisations").lines}
    data: dict[str, Any] = {
        "organization": stats.org.code,
        "as_of": stats.as_of.isoformat(),
        **{key: overview[key] for key in ("total", "full", "probationary", "female")},
        "minority": overview["minority"],
        "college_or_above": overview["college_or_above"],
    }
    for table in member_tables(stats.as_of):
        if table.json_key:
            data[table.json_key] = _by_label(stats, table.key)
    data["developed"] = stats.table("developed").line("developed").total
    data["confirmed"] = stats.table("confirmed").line("confirmed").total
    data["organisations"] = {label: organisations[key] for label, key in ORG_JSON.items()}
    data["start_of_year_total"] = stats.change.start_total
    data["change"] = {line.key: line.total for line in stats.table("change").lines}
    return data
