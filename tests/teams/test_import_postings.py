"""Importing 选派干部: key (组织代码, 公民身份号码, 类别, 开始日期), only villages and
communities of the importer's scope, every bad row as `第N行 [列名] 说明`, all-or-nothing,
idempotent; a cadre who is a member is linked to the roster."""

from __future__ import annotations

import datetime

import pytest

from core.importing import run_import
from core.registry import get_kind
from core.tables import read_table
from teams.models import Posting
from teams.resources import PostingResource
from tests.factories import make_member, make_org
from tests.helpers import id_number, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["组织代码", "姓名", "公民身份号码", "类别", "派出单位", "开始日期", "结束日期"]


def row(org: str = "A1", name: str = "李驻村", seq: int = 201, **overrides) -> dict[str, str]:
    values = {
        "组织代码": org,
        "姓名": name,
        "公民身份号码": id_number(seq=seq),
        "类别": "第一书记",
        "派出单位": "县农业农村局",
        "开始日期": "2024-03-01",
        "结束日期": "",
    }
    values.update(overrides)
    return values


def do_import(rows, user=None, headers=None):
    dataset = read_table(xlsx_bytes(rows, headers or HEADERS), "postings.xlsx")
    return run_import(PostingResource(user=user, source="postings.xlsx"), dataset)


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


def test_the_table_is_registered_as_personal_data():
    kind = get_kind("postings")
    assert (kind.label, kind.resource, kind.personal) == ("选派干部", PostingResource, True)


def test_a_file_imports_and_the_same_file_again_changes_nothing(bob, tree):
    rows = [
        row(),
        row("A2", name="周队员", seq=202, 类别="工作队员", 结束日期="2026-03-01"),
        row("A2", name="吴村官", seq=203, 类别="大学生村干部", 派出单位=""),
    ]
    report = do_import(rows, user=bob)
    assert report.ok, messages(report)
    assert report.new == 3
    first = Posting.objects.get(kind="first_secretary")
    assert (first.organization, first.name, first.from_unit, first.started_on) == (
        tree["A1"],
        "李驻村",
        "县农业农村局",
        datetime.date(2024, 3, 1),
    )
    assert first.member is None  # not on the roster
    assert first.history.first().history_user == bob
    history = Posting.history.count()

    again = do_import(rows, user=bob)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    assert Posting.history.count() == history

    ended = do_import([row(结束日期="2026-03-01")], user=bob)
    assert (ended.new, ended.updated) == (0, 1)
    assert Posting.objects.get(pk=first.pk).ended_on == datetime.date(2026, 3, 1)


def test_a_cadre_on_the_roster_is_linked(bob, tree):
    member = make_member(tree["A1"], name="郑党员")
    report = do_import([row(name="郑党员", 公民身份号码=member.id_number)], user=bob)
    assert report.ok, messages(report)
    assert Posting.objects.get().member == member


def test_bad_rows_name_the_row_and_column_and_nothing_is_written(bob, tree):
    make_org(tree["A"], code="A8", name="甲镇机关支部", domain="organ", level="township")
    report = do_import(
        [
            row("A"),
            row("A8", seq=202),
            row(seq=203, 开始日期="2024-03-01", 结束日期="2024-03-01"),
            row(seq=204, 类别="挂职干部"),
            row(seq=205, 开始日期=""),
            row(seq=206, 姓名="李"),
        ],
        user=bob,
    )
    assert messages(report) == [
        "第2行 [组织代码] “甲镇党委”不是村（社区）党组织：选派干部只派驻村或社区。",
        "第3行 [组织代码] “甲镇机关支部”不是村（社区）党组织：选派干部只派驻村或社区。",
        "第4行 [结束日期] 结束日期应晚于开始日期。",
        "第5行 [类别] “挂职干部”不是可选值，只能填写：第一书记、工作队员、大学生村干部。",
        "第6行 [开始日期] 必填，格式为 YYYY-MM-DD。",
        "第7行 [姓名] 至少 2 个字符。",
    ]
    assert not Posting.objects.exists()


def test_an_outsiders_rows_are_refused(charlie, tree):
    report = do_import([row("A1")], user=charlie)
    assert messages(report) == ["第2行 [组织代码] 组织“A1”不在您的管辖范围内。"]
    assert not Posting.objects.exists()


def test_headers_and_values_as_offices_write_them(bob, tree):
    headers = ["派驻村", "干部姓名", "身份证号", "选派类别", "选派单位", "派驻日期", "离村日期"]
    values = [
        "甲二村",
        "李驻村",
        id_number(seq=201),
        "驻村第一书记",
        "县财政局",
        "2024年3月1日",
        "",
    ]
    report = do_import([dict(zip(headers, values, strict=True))], user=bob, headers=headers)
    assert report.ok, messages(report)
    posting = Posting.objects.get()
    assert (posting.organization, posting.kind) == (tree["A2"], "first_secretary")
