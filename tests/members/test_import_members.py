"""Importing the member roster: every rule of the data dictionary, all-or-nothing, scope."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.importing import run_import
from core.tables import read_table
from members.models import Member
from members.resources.roster import MemberResource
from tests.helpers import MEMBER_HEADERS, csv_bytes, id_number, member_row, xlsx_bytes


def do_import(rows, user=None, dry_run=False, headers=None):
    dataset = read_table(xlsx_bytes(rows, headers or MEMBER_HEADERS), "members.xlsx")
    return run_import(MemberResource(user=user, source="members.xlsx"), dataset, dry_run=dry_run)


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


def test_it_imports_members_with_derived_fields_and_history(tree, bob):
    rows = [
        member_row("A1", seq=1),
        member_row(
            "A2",
            seq=2,
            female=True,
            birth="1995-02-28",
            出生日期="",
            入党日期="2015-07-01",
            转正日期="2016-07-01",
        ),
        member_row("A1", seq=3, 人员类别="预备党员", 入党日期="2026-03-01", 转正日期=""),
    ]
    report = do_import(rows, user=bob)
    assert report.ok, messages(report)
    assert report.new == 3
    woman = Member.objects.get(id_number=rows[1]["公民身份号码"])
    assert woman.birth_date == datetime.date(1995, 2, 28)  # taken from the ID number
    assert woman.gender == "F"
    assert woman.organization.code == "A2"
    assert woman.ethnicity == "01"
    record = woman.history.get()
    assert record.history_user == bob
    assert record.history_change_reason == "导入 members.xlsx"
    assert Member.objects.get(id_number=rows[2]["公民身份号码"]).confirmed_on is None


def test_it_is_idempotent_and_keyed_on_the_id_number(tree):
    rows = [member_row("A1", seq=i) for i in range(1, 6)]
    assert do_import(rows).new == 5
    history = Member.history.count()
    again = do_import(rows)
    assert again.ok
    assert (again.new, again.updated, again.unchanged) == (0, 0, 5)
    assert Member.history.count() == history  # nothing written, not even history

    rows[0]["学历"] = "研究生"
    rows[0]["公民身份号码"] = rows[0]["公民身份号码"].lower().replace("x", "x")
    changed = do_import(rows)
    assert (changed.new, changed.updated, changed.unchanged) == (0, 1, 4)
    assert Member.objects.count() == 5
    assert Member.objects.filter(education="postgraduate").count() == 1
    assert Member.history.count() == history + 1


def test_a_lower_case_x_matches_the_stored_number(tree):
    number = next(n for n in (id_number(seq=s) for s in range(1, 200)) if n.endswith("X"))
    do_import([member_row("A1", 公民身份号码=number)])
    again = do_import([member_row("A1", 公民身份号码=number.lower())])
    assert again.ok, messages(again)
    assert again.unchanged == 1
    assert Member.objects.get().id_number == number


def test_dry_run_writes_nothing(tree):
    report = do_import([member_row("A1")], dry_run=True)
    assert report.ok
    assert report.new == 1
    assert not Member.objects.exists()
    assert not Member.history.exists()


def test_one_bad_row_keeps_the_whole_file_out_and_all_errors_are_reported(tree):
    rows = [member_row("A1", seq=i) for i in range(1, 2500)]  # more than one bulk batch
    rows[1]["性别"] = "女"
    rows[2400]["民族"] = "火星族"
    report = do_import(rows)
    assert not report.ok
    assert messages(report) == [
        "第3行 [性别] 与身份证号码第 17 位不一致（号码显示为男）。",
        "第2402行 [民族] “火星族”不是可选值，只能填写："
        + "、".join(name for _code, name in __import__("members.choices").choices.ETHNIC_GROUPS)
        + "。",
    ]
    assert not Member.objects.exists()
    assert not Member.history.exists()


TODAY = timezone.localdate()
TOMORROW = (TODAY + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"姓名": ""}, "姓名", "必填"),
        ({"姓名": "王"}, "姓名", "至少 2 个字符"),
        ({"姓名": "王" * 31}, "姓名", "不能超过 30 个字符"),
        ({"姓名": "王建国2"}, "姓名", "不能有数字"),
        ({"公民身份号码": ""}, "公民身份号码", "必填"),
        ({"公民身份号码": "51340119800517003"}, "公民身份号码", "应为 18 位（现为 17 位）"),
        ({"公民身份号码": "51340119800517003A"}, "公民身份号码", "最后一位为数字或 X"),
        ({"公民身份号码": "513401198005170032"}, "公民身份号码", "校验位不正确"),
        ({"公民身份号码": 513401198005170031}, "公民身份号码", "设为“文本”格式"),
        ({"性别": ""}, "性别", "必填"),
        ({"性别": "未知"}, "性别", "不是可选值"),
        ({"性别": "女"}, "性别", "与身份证号码第 17 位不一致"),
        ({"民族": ""}, "民族", "必填"),
        ({"民族": "未知族"}, "民族", "不是可选值"),
        ({"出生日期": "1980-05-18"}, "出生日期", "与身份证号码中的出生日期 1980-05-17 不一致"),
        ({"出生日期": "1980-02-30"}, "出生日期", "不是有效日期"),
        ({"学历": "不详"}, "学历", "不是可选值"),
        ({"人员类别": ""}, "人员类别", "必填"),
        ({"人员类别": "发展对象"}, "人员类别", "不是可选值"),
        ({"入党日期": ""}, "入党日期", "必填"),
        ({"入党日期": "1998-05-16", "转正日期": "1999-06-01"}, "入党日期", "须年满 18 周岁"),
        (
            {"入党日期": TOMORROW, "人员类别": "预备党员", "转正日期": ""},
            "入党日期",
            "不能晚于今天",
        ),
        ({"转正日期": ""}, "转正日期", "正式党员须填写转正日期"),
        ({"转正日期": "2006-06-30"}, "转正日期", "不早于 2006-07-01"),
        ({"人员类别": "预备党员"}, "转正日期", "预备党员不应填写转正日期"),
        ({"所在党组织代码": ""}, "所在党组织代码", "必填"),
        ({"所在党组织代码": "NOPE"}, "所在党组织代码", "“NOPE”不存在"),
        ({"工作岗位": "个体户"}, "工作岗位", "不是可选值"),
        ({"联系电话": "12345678901"}, "联系电话", "11 位大陆手机号码"),
        ({"是否流动党员": "可能"}, "是否流动党员", "只能填写“是”或“否”"),
        ({"是否流动党员": "是"}, "流动去向", "流动党员须填写流动去向"),
        ({"流动去向": "杭州"}, "流动去向", "不是流动党员时请留空"),
        ({"是否生活困难党员": "不清楚"}, "是否生活困难党员", "只能填写“是”或“否”"),
    ],
)
def test_each_rule_of_the_data_dictionary(tree, overrides, column, fragment):
    report = do_import([member_row("A1", seq=5), member_row("A1", seq=6, **overrides)])
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, column)], messages(report)
    assert fragment in report.errors[0].message
    assert not Member.objects.exists()


def test_a_minority_name_with_a_middle_dot_is_accepted(tree):
    report = do_import([member_row("A1", 姓名="买买提·艾力", 民族="维吾尔族")])
    assert report.ok, messages(report)
    assert Member.objects.get().ethnicity == "05"


def test_duplicates_inside_the_file_are_reported(tree):
    row = member_row("A1", seq=9)
    report = do_import([row, member_row("A1", seq=10), dict(row)])
    assert messages(report) == ["第4行 [公民身份号码] 与第2行重复。"]
    assert not Member.objects.exists()


def test_unknown_and_missing_columns_are_refused(tree):
    headers = [h for h in MEMBER_HEADERS if h != "民族"] + ["邮箱"]
    report = do_import([member_row("A1")], headers=headers)
    assert len(report.errors) == 1
    assert report.errors[0].row == 1
    assert "未知的列：邮箱" in report.errors[0].message
    assert "缺少必填列：民族" in report.errors[0].message


def test_scope_a_row_for_another_township_is_an_error(tree, bob):
    report = do_import([member_row("A1", seq=1), member_row("B1", seq=2)], user=bob)
    assert messages(report) == ["第3行 [所在党组织代码] 组织“B1”不在您的管辖范围内。"]
    assert not Member.objects.exists()


def test_scope_a_member_of_another_township_is_never_updated(tree, bob):
    do_import([member_row("B1", seq=1)])
    outsider = Member.objects.get()
    report = do_import([member_row("A1", seq=1, 学历="研究生")], user=bob)
    assert not report.ok
    # Told to transfer, never where the person is.
    message = report.errors[0].message
    assert "组织关系转接" in message
    assert "B1" not in message
    assert "乙" not in message
    outsider.refresh_from_db()
    assert outsider.organization.code == "B1"
    assert outsider.education == "bachelor"


def test_secretaries_and_leaders_cannot_import(tree, sam, leo):
    for user in (sam, leo):
        report = do_import([member_row("A1")], user=user)
        assert messages(report) == ["第1行 [表头] 只有组织部工作人员可以导入数据。"]
    assert not Member.objects.exists()


def test_csv_in_gb18030_and_the_command(tree, bob, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(csv_bytes([member_row("A1", seq=1)], MEMBER_HEADERS, encoding="gb18030"))
    call_command("import_data", "members", str(path), "--user", "bob")
    assert Member.objects.get().organization.code == "A1"


def test_the_command_fails_with_the_row_errors(tree, bob, tmp_path, capsys):
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes([member_row("B1")], MEMBER_HEADERS))
    with pytest.raises(CommandError, match="导入失败：共 1 处错误"):
        call_command("import_data", "members", str(path), "--user", "bob")
    assert "第2行 [所在党组织代码] 组织“B1”不在您的管辖范围内。" in capsys.readouterr().err
    assert not Member.objects.exists()


def test_import_of_a_whole_roster_uses_a_bounded_number_of_queries(
    tree, django_assert_max_num_queries
):
    rows = [member_row("A1" if i % 2 else "B1", seq=i) for i in range(1, 301)]
    with django_assert_max_num_queries(40):
        assert do_import(rows).new == 300
    rows[0]["学历"] = "研究生"
    with django_assert_max_num_queries(40):
        assert do_import(rows).updated == 1
