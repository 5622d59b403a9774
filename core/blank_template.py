"""The downloadable blank template (带表头的空模板) of a data-dictionary table."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .importing import PortalResource

MAX_ROWS = 5000  # drop-down lists cover this many data rows


def blank_template(resource: PortalResource) -> bytes:
    """An .xlsx with the header row, drop-downs for fixed vocabularies, and a sheet that
    explains every column (required, rule, allowed values)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    header_font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDECEA")
    for index, column in enumerate(resource.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = header_font
        cell.fill = fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.name) * 2 + 4)
        # Text format, so that codes and ID numbers keep leading zeros and all digits.
        for row in range(2, 50):
            sheet.cell(row=row, column=index).number_format = "@"
        if column.allowed and sum(len(v) + 1 for v in column.allowed) < 250:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.allowed) + '"',
                allow_blank=column.required != "是",
                showErrorMessage=True,
                errorTitle="不是可选值",
                error="只能填写：" + "、".join(column.allowed),
            )
            validation.add(f"{letter}2:{letter}{MAX_ROWS}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "规则", "可选值"])
    for cell in notes[1]:
        cell.font = header_font
        cell.fill = fill
    for column in resource.columns:
        notes.append([column.name, column.required, column.rule, "、".join(column.allowed)])
    for letter, width in zip("ABCD", (18, 16, 50, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.append([])
    notes.append(
        ["说明：日期写成 YYYY-MM-DD；金额单位为元（表头注明万元的除外）；第 1 行表头不要改动。"]
    )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
