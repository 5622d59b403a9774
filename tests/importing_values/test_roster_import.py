"""A roster written as offices write it imports with canonical values stored."""

from __future__ import annotations

import datetime

from core.importing import run_import
from core.tables import read_table
from members.models import Member
from members.resources.roster import MemberResource
from tests.helpers import MEMBER_HEADERS, csv_bytes, member_row, xlsx_bytes


def do_import(content: bytes, name: str):
    return run_import(MemberResource(source=name), read_table(content, name), dry_run=False)


def test_an_office_roster_imports_with_canonical_values(tree):
    rows = [
        member_row(
            "A1",
            seq=1,
            性别="男性",
            民族="汉",
            出生日期=datetime.date(1980, 5, 17),  # an Excel date cell
            学历="本科",
            人员类别="正式",
            入党日期=38534,  # 2005-07-01, a date column formatted as number
            转正日期="2006年7月1日",
            工作岗位="工人（工勤技能人员）",
            联系电话="１３９ １２３４ ５６７８",
            是否流动党员="√",
            流动去向="杭州",
            是否生活困难党员="×",
        ),
        member_row("A1", seq=2, 民族="蒙古", 学历="大专", 入党日期="2005.7.1", 转正日期="20060701"),
    ]
    report = do_import(xlsx_bytes(rows, MEMBER_HEADERS), "roster.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    first, second = Member.objects.order_by("id_number")
    assert (first.gender, first.ethnicity, first.education, first.category, first.job) == (
        "M",
        "01",
        "bachelor",
        "full",
        "worker",
    )
    assert first.birth_date == datetime.date(1980, 5, 17)
    assert first.joined_on == second.joined_on == datetime.date(2005, 7, 1)
    assert first.confirmed_on == second.confirmed_on == datetime.date(2006, 7, 1)
    assert first.phone == "13912345678"
    assert (first.is_mobile, first.is_in_hardship) == (True, False)
    assert (second.ethnicity, second.education) == ("02", "junior_college")


def test_a_chinese_excel_csv_with_slashed_dates_imports(tree):
    row = member_row("A1", 出生日期="1980/5/17", 入党日期="2005/7/1", 转正日期="2006/7/1")
    report = do_import(csv_bytes([row], MEMBER_HEADERS, encoding="gb18030"), "roster.csv")
    assert report.ok, [str(e) for e in report.errors]
    assert Member.objects.get().joined_on == datetime.date(2005, 7, 1)


def test_a_masked_number_is_refused_in_its_row_and_nothing_is_imported(tree):
    masked = member_row("A1", seq=3)
    masked["公民身份号码"] = masked["公民身份号码"][:4] + "*" * 10 + masked["公民身份号码"][-4:]
    rows = [member_row("A1", seq=4), member_row("A1", seq=5), masked]
    report = do_import(xlsx_bytes(rows, MEMBER_HEADERS), "m.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(4, "公民身份号码")]
    assert report.errors[0].message.startswith("这是脱敏导出的号码（中间被“*”遮盖）")
    assert not Member.objects.exists()


def test_an_ambiguous_date_names_row_column_and_the_fix(tree):
    row = member_row("A1", 入党日期="7/1/2005")
    report = do_import(xlsx_bytes([row], MEMBER_HEADERS), "roster.xlsx")
    assert [str(e) for e in report.errors] == [
        "第2行 [入党日期] “7/1/2005”无法确定月和日的顺序，请按“年-月-日”填写，如 2026-03-05。"
    ]
