"""A roster the way a township office keeps it, written the ways offices save it.

Row by row, as Excel shows it:

     1  甲镇党员花名册                      (merged A1:H1)
     2  填报单位：甲镇党委（盖章）　截至…   (merged A2:H2)
     3  (blank)
     4  序号 姓名 性别 出生日期 所在党组织 入党时间 联系电话（手机） 数据来源
   5-7  three members; 所在党组织 merged E5:E7 over them
     8  (blank)
     9  a fourth member
    10  合　计 | 4人
    11  (blank)
    12  填表人：…　审核人：…                (merged A12:H12)
    13  备注：…
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable

from openpyxl import Workbook

TITLE = "甲镇党员花名册"
NOTE = "填报单位：甲镇党委（盖章）　　截至：2026年6月30日"
HEADER = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "所在党组织",
    "入党时间",
    "联系电话(手机)",
    "数据来源",
]
BRANCH = "甲一村党支部"
D = datetime.date
SOURCE = "全国系统"
MEMBERS = [
    [1, "张三", "男", D(1980, 5, 17), BRANCH, D(2005, 7, 1), "13800138000", SOURCE],
    [2, "李四", "女", D(1981, 6, 1), None, D(2006, 7, 1), "13800138001", SOURCE],
    [3, "王五", "男", D(1982, 7, 2), None, D(2007, 7, 1), "13800138002", SOURCE],
    [4, "赵六", "女", D(1983, 8, 3), "甲二村党支部", D(2013, 8, 12), "13800138003", SOURCE],
]
TOTAL = ["合　计", "4人"]
SIGNED = "填表人：张三　　审核人：李四　　填报日期：2026年6月30日"
REMARK = "备注：本表由各党支部填报，组织关系转出的不再列入。"
WIDTH = len(HEADER)

HEADER_ROW = 4
DATA_ROWS = [5, 6, 7, 8, 9]  # row 8 is blank
FOOTER_ROWS = (10, 12, 13)
LAST_ROW = 13

#: the table's columns, and the other names offices give them
COLUMNS = {
    "姓名": (),
    "性别": (),
    "出生日期": (),
    "所在党组织": ("所在支部",),
    "入党日期": ("入党时间",),
    "联系电话": ("联系电话（手机）", "手机号码"),
}


def canonical_of(columns: dict[str, tuple[str, ...]] = COLUMNS) -> Callable[[str], str | None]:
    """What the import resource hands to locate_header: header text → column."""
    mapping = {name: name for name in columns}
    for name, aliases in columns.items():
        mapping.update(dict.fromkeys(aliases, name))
    return mapping.get


def sheet_rows() -> list[list]:
    blank: list = []
    return [
        [TITLE], [NOTE], blank, HEADER, *MEMBERS[:3], blank, MEMBERS[3], TOTAL, blank,
        [SIGNED], [REMARK],
    ]  # fmt: skip


def roster_workbook() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    for row in sheet_rows():
        sheet.append(row)
    for merged in ("A1:H1", "A2:H2", "E5:E7", "A12:H12"):
        sheet.merge_cells(merged)
    for row in range(5, 10):
        sheet[f"G{row}"].number_format = "@"  # phone numbers kept as text
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_csv(encoding: str) -> bytes:
    """The roster as Excel saves it as CSV: every row as wide as the sheet, merged cells
    as their first cell only, dates as Excel shows them (2013/8/12)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in sheet_rows():
        cells = [excel_text(v) for v in row]
        writer.writerow(cells + [""] * (WIDTH - len(cells)))
    return buffer.getvalue().encode(encoding)


def excel_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value.year}/{value.month}/{value.day}"
    return str(value)


def far_corner_workbook(sheets: int, column: int) -> Workbook:
    """`sheets` sheets, each holding one cell in A1 and one in row 65,536 (the last an .xls
    has) of `column`: a few KB, but a large rectangle for a reader that fills it."""
    workbook = Workbook()
    for number in range(sheets):
        sheet = workbook.active if number == 0 else workbook.create_sheet()
        sheet["A1"] = "x"
        sheet.cell(row=65536, column=column, value="y")
    return workbook


def merged_row_workbook(ranges: int) -> Workbook:
    """Two rows; the first made of `ranges` merged pairs of cells."""
    workbook = Workbook()
    sheet = workbook.active
    for number in range(ranges):
        sheet.cell(row=1, column=2 * number + 1, value=f"列{number}")
        sheet.merge_cells(
            start_row=1, start_column=2 * number + 1, end_row=1, end_column=2 * number + 2
        )
        sheet.cell(row=2, column=2 * number + 1, value=number)
    return workbook
