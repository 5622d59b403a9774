"""Rosters as county and township offices keep them import without re-typing: a title
and a note above the header, their own header texts and spellings, dates as clerks
write them, branches named by name, a footer — saved by Excel, LibreOffice or as CSV."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import Workbook

from core.formats import XLSX
from core.importing import run_import
from core.tables import read_table
from members.models import Member
from members.resources.roster import MemberResource
from tests.helpers import MEMBER_HEADERS, id_number, member_row, xlsx_bytes
from tests.office.converting import convert

TITLE = "甲镇党员花名册"
NOTE = "填报单位：甲镇党委（盖章）　　　截至：2026年11月30日"
HEADER = [
    "序号", "姓名", "身份证号", "性别", "民族", "出生日期", "学历", "人员类别", "入党时间",
    "转正时间", "所在支部", "工作岗位", "联系电话", "是否流动党员", "流动去向",
    "是否生活困难党员",
]  # fmt: skip
# Three members the way a clerk writes them: a date cell, an Excel serial, text dates in
# four spellings, short forms of choices, branches by full and by short name.
ROWS = [
    [1, "王建国", id_number(seq=1), "男", "汉", "1980/5/17", "本科", "正式党员",
     "2005年7月1日", datetime.datetime(2006, 7, 1), "甲一村支部", "农牧渔民",
     "13912345678", "否", "", "否"],
    [2, "李红", id_number(seq=2, female=True), "女", "汉族", "1980.5.17", "大专", "正式",
     "2005.7.1", 38899.0, "甲二村", "工人", "13912345679", "是", "广东省深圳市", ""],
    [3, "张伟", id_number(seq=3), "男", "汉", "19800517", "高中", "预备党员",
     "2026-3-5", "", "A1", "农牧渔民", "", "", "", "是"],
]  # fmt: skip
FOOTER = [["合计：3人"], ["填表人：张三　　审核人：李四　　联系电话：0834-1234567"]]


def clerk_workbook() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append([NOTE])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADER))
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    for row in FOOTER:
        sheet.append(row)
    sheet["J6"].number_format = "0"  # the serial shows as a number, as Excel shows it
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def gb18030_csv() -> bytes:
    """What Chinese Excel writes for "CSV (逗号分隔)": GB18030, dates as 2005/7/1."""
    lines = [TITLE, NOTE, "", ",".join(HEADER)]
    for row in ROWS:
        cells = []
        for value in row:
            if isinstance(value, datetime.datetime):
                value = f"{value.year}/{value.month}/{value.day}"
            elif isinstance(value, float):
                value = "2006/7/1"
            cells.append(str(value))
        lines.append(",".join(cells))
    lines += [row[0] for row in FOOTER]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def import_file(data: bytes, name: str, user=None, dry_run=False):
    resource = MemberResource(user=user, source=name)
    return run_import(resource, read_table(data, name), dry_run=dry_run)


def assert_imported(report) -> None:
    assert report.ok, [str(e) for e in report.errors]
    assert (report.new, report.total) == (3, 3)
    wang, li, zhang = (Member.objects.get(id_number=row[2]) for row in ROWS)
    assert wang.birth_date == datetime.date(1980, 5, 17)
    assert (wang.joined_on, wang.confirmed_on) == (
        datetime.date(2005, 7, 1),
        datetime.date(2006, 7, 1),
    )
    assert li.confirmed_on == datetime.date(2006, 7, 1)
    assert zhang.joined_on == datetime.date(2026, 3, 5)
    assert (wang.education, li.education, zhang.education) == (
        "bachelor",
        "junior_college",
        "high_school",
    )
    assert li.category == "full"
    assert wang.get_ethnicity_display() == "汉族"
    assert [m.organization.code for m in (wang, li, zhang)] == ["A1", "A2", "A1"]
    assert li.is_mobile
    assert li.mobile_destination == "广东省深圳市"
    text = report.summary()
    assert "表头在第4行" in text
    assert "序号" in text
    assert "第8、9行是表尾" in text


def test_a_clerks_workbook_imports_every_row(tree, bob):
    assert_imported(import_file(workbook_bytes(clerk_workbook()), "花名册.xlsx", user=bob))


@pytest.mark.parametrize("target", ["xlsx", "xls"])
def test_the_same_workbook_saved_by_libreoffice(tree, bob, tmp_path, target):
    source = tmp_path / "花名册.xlsx"
    source.write_bytes(workbook_bytes(clerk_workbook()))
    (converted,) = convert([source], target, tmp_path / target)
    assert_imported(import_file(converted.read_bytes(), converted.name, user=bob))


def test_a_gb18030_csv_saved_by_chinese_excel(tree, bob):
    assert_imported(import_file(gb18030_csv(), "花名册.csv", user=bob))


def test_row_numbers_are_the_ones_excel_shows_and_a_row_reports_every_problem(tree, bob):
    workbook = clerk_workbook()
    sheet = workbook.active
    sheet["C6"] = id_number(seq=2, female=True)[:-1] + "0"  # a wrong check digit
    sheet["I6"] = "7/1/2005"  # month and day cannot be told apart
    report = import_file(workbook_bytes(workbook), "花名册.xlsx", user=bob)
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("第6行 [公民身份号码]") for m in messages), messages
    assert any(m.startswith("第6行 [入党日期]") and "年-月-日" in m for m in messages), messages
    assert not Member.objects.exists()


def test_a_branch_outside_the_scope_reads_like_a_branch_that_does_not_exist(tree, bob):
    def message_for(branch: str) -> str:
        workbook = clerk_workbook()
        workbook.active["K5"] = branch
        report = import_file(workbook_bytes(workbook), "花名册.xlsx", user=bob)
        (error,) = [str(e) for e in report.errors]
        return error.replace(branch, "…")

    assert message_for("乙一村支部") == message_for("丙一村支部")
    assert not Member.objects.exists()


NATIONAL_HEADER = [
    "序号", "姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别",
    "所在党支部", "入党日期", "转为正式党员日期", "工作岗位", "联系电话", "是否为流动党员",
    "外出流向", "家庭住址", "党籍状态", "是否为失联党员",
]  # fmt: skip


def test_a_roster_exported_from_the_national_system_imports_unedited(tree, bob):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(NATIONAL_HEADER)
    sheet.append(
        [
            1,
            "王建国",
            "男",
            id_number(seq=1),
            "汉族",
            "1980-05-17",
            "大学本科",
            "正式党员",
            "甲一村支部",
            "2005-07-01",
            "2006-07-01",
            "农牧渔民",
            "13912345678",
            "否",
            "",
            "甲镇甲一村3组",
            "正常",
            "否",
        ]  # fmt: skip
    )
    report = import_file(workbook_bytes(workbook), "党员信息.xlsx", user=bob)
    assert report.ok, [str(e) for e in report.errors]
    assert report.new == 1
    member = Member.objects.get()
    assert (member.organization.code, member.confirmed_on) == ("A1", datetime.date(2006, 7, 1))
    assert "家庭住址" in report.summary()
    assert "党籍状态" in report.summary()


def test_re_importing_a_masked_export_is_explained_once(tree, bob):
    rows = [member_row("A1", seq=seq) for seq in (1, 2, 3)]
    assert import_file(xlsx_bytes(rows, MEMBER_HEADERS), "members.xlsx", user=bob).ok
    exported = XLSX().export_data(MemberResource(user=bob).export())
    report = import_file(exported, "导出.xlsx", user=bob)
    (error,) = report.errors
    assert "脱敏导出文件" in error.message
