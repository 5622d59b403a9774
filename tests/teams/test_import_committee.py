"""Importing 班子成员: key (组织代码, 公民身份号码, 职务, 任职日期), saved through the
committee service (the roster's member linked, the organisation's 书记 following), the
importer's scope, every bad row as `第N行 [列名] 说明`, all-or-nothing, idempotent."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from core.importing import run_import
from core.registry import get_kind
from core.tables import read_table
from orgs.models import Organization
from teams.models import CommitteeMember
from teams.resources import CommitteeResource
from tests.factories import make_member
from tests.helpers import id_number, xlsx_bytes
from tests.office.converting import convert

pytestmark = pytest.mark.django_db

HEADERS = [
    "组织代码",
    "姓名",
    "公民身份号码",
    "职务",
    "任职日期",
    "离任日期",
    "产生方式",
    "兼任职务",
]
TODAY = timezone.localdate()


def row(org: str = "A1", name: str = "赵书记", seq: int = 101, **overrides) -> dict[str, str]:
    values = {
        "组织代码": org,
        "姓名": name,
        "公民身份号码": id_number(seq=seq),
        "职务": "书记",
        "任职日期": "2021-04-01",
        "离任日期": "",
        "产生方式": "选举",
        "兼任职务": "村民委员会主任",
    }
    values.update(overrides)
    return values


def do_import(rows, user=None, headers=None, data: bytes | None = None, name="committee.xlsx"):
    data = data if data is not None else xlsx_bytes(rows, headers or HEADERS)
    return run_import(CommitteeResource(user=user, source=name), read_table(data, name))


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


def fresh(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


def test_the_table_is_registered_as_personal_data():
    kind = get_kind("committee")
    assert (kind.label, kind.resource, kind.personal) == ("班子成员", CommitteeResource, True)


def test_a_file_imports_and_the_same_file_again_changes_nothing(bob, tree):
    rows = [
        row(),
        row(name="钱委员", seq=102, 职务="组织委员", 兼任职务=""),
        row("A2", name="孙书记", seq=103, 任职日期="2016-04-01", 离任日期="2021-04-01"),
    ]
    report = do_import(rows, user=bob)
    assert report.ok, messages(report)
    assert report.new == 3
    secretary = CommitteeMember.objects.get(organization=tree["A1"], position="secretary")
    assert (secretary.name, secretary.started_on, secretary.ended_on) == (
        "赵书记",
        datetime.date(2021, 4, 1),
        None,
    )
    assert (secretary.origin, secretary.concurrent_post) == ("elected", "村民委员会主任")
    assert secretary.history.first().history_user == bob
    history = CommitteeMember.history.count()

    again = do_import(rows, user=bob)
    assert again.ok, messages(again)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    assert CommitteeMember.history.count() == history

    left = do_import([row(离任日期=TODAY.isoformat())], user=bob)
    assert (left.new, left.updated) == (0, 1)
    assert CommitteeMember.objects.get(pk=secretary.pk).ended_on == TODAY


def test_the_secretary_in_post_becomes_the_organisations_secretary(bob, tree):
    village = tree["A1"]
    village.secretary_name = "赵书记"
    village.save()  # a 书记 known only by name, as the orgs table gives one
    assert CommitteeMember.objects.filter(organization=village, id_number="").count() == 1

    assert do_import([row(name="赵书记")], user=bob).ok
    # The row with the number replaced the name-only one: one 书记, not two.
    [secretary] = CommitteeMember.objects.filter(organization=village).secretaries()
    assert secretary.id_number == id_number(seq=101)

    assert do_import([row(name="周新", seq=104, 任职日期=TODAY.isoformat())], user=bob).ok
    assert fresh(village).secretary_name == "周新"


def test_a_blank_number_finds_the_secretary_known_only_by_name(bob, tree):
    village = tree["A1"]
    village.term_started_on = datetime.date(2021, 4, 1)
    village.secretary_name = "赵书记"
    village.save()
    [name_only] = CommitteeMember.objects.filter(organization=village)
    same = row(name="赵书记", 公民身份号码="", 产生方式="", 兼任职务="")
    report = do_import([same], user=bob)
    assert (report.ok, report.unchanged) == (True, 1), messages(report)

    report = do_import([{**same, "离任日期": TODAY.isoformat()}], user=bob)
    assert (report.ok, report.updated) == (True, 1), messages(report)
    assert CommitteeMember.objects.get(pk=name_only.pk).ended_on == TODAY
    assert fresh(village).secretary_name == ""

    # A new row needs the number.
    report = do_import([row("A2", 公民身份号码="")], user=bob)
    assert messages(report) == ["第2行 [公民身份号码] 必填，不能为空。"]


def test_a_member_is_linked_by_id_number_and_the_secretary_name_follows(bob, tree):
    member = make_member(tree["A1"], name="吴建华", phone="13912340000")
    report = do_import([row(name="吴建华", 公民身份号码=member.id_number)], user=bob)
    assert report.ok, messages(report)
    secretary = CommitteeMember.objects.get()
    assert secretary.member == member
    village = fresh(tree["A1"])
    assert (village.secretary_name, village.secretary_phone) == ("吴建华", "13912340000")


def test_a_name_that_is_not_the_rosters_is_refused(bob, charlie, tree):
    member = make_member(tree["A1"], name="吴建华")
    report = do_import([row(name="吴建花", 公民身份号码=member.id_number)], user=bob)
    assert messages(report) == ["第2行 [姓名] 与党员名册中该公民身份号码的姓名“吴建华”不一致。"]
    # Outside the importer's scope the roster's name is not told.
    report = do_import([row("B1", name="吴建花", 公民身份号码=member.id_number)], user=charlie)
    assert messages(report) == [
        "第2行 [姓名] 与党员名册中该公民身份号码的姓名不一致，请核对姓名和号码。"
    ]
    assert not CommitteeMember.objects.exists()


def test_bad_rows_name_the_row_and_column_and_nothing_is_written(bob, tree):
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    wrong_check = id_number(seq=105)[:-1] + ("0" if id_number(seq=105)[-1] != "0" else "1")
    report = do_import(
        [
            row(职务="村长"),
            row(seq=102, 任职日期=tomorrow),
            row(seq=103, 任职日期="2021-04-01", 离任日期="2021-03-01"),
            row(seq=104, 公民身份号码=wrong_check),
            row(seq=106, 产生方式="推荐"),
            row(seq=107),
            row(seq=107, 姓名="赵书记"),
            row(seq=108, 组织代码="Z9"),
        ],
        user=bob,
    )
    found = messages(report)
    assert found == [
        "第2行 [职务] “村长”不是可选值，只能填写："
        "书记、副书记、组织委员、宣传委员、纪检委员、委员。",
        "第3行 [任职日期] 不能晚于今天。",
        "第4行 [离任日期] 离任日期应晚于任职日期。",
        "第5行 [公民身份号码] 校验位不正确，请核对号码是否抄错。",
        "第6行 [产生方式] “推荐”不是可选值，只能填写：选举、任命、选派。",
        "第8行 [组织代码] 与第7行重复。",
        "第9行 [组织代码] 组织代码“Z9”不存在。",
    ]
    assert not CommitteeMember.objects.exists()
    assert fresh(tree["A1"]).secretary_name == ""


def test_an_outsiders_rows_are_refused(charlie, tree):
    report = do_import([row("A1"), row("甲二村", seq=102)], user=charlie)
    assert messages(report) == [
        "第2行 [组织代码] 组织“A1”不在您的管辖范围内。",
        "第3行 [组织代码] 您的管辖范围内没有名为“甲二村”的党组织，请核对名称或改填组织代码。",
    ]
    assert not CommitteeMember.objects.exists()


def test_headers_and_values_as_offices_write_them(bob, tree):
    headers = [
        "所在党组织",
        "成员姓名",
        "身份证号",
        "党内职务",
        "任职时间",
        "离任时间",
        "任职方式",
        "兼任",
    ]
    values = [
        "甲一村",
        "赵书记",
        id_number(seq=101),
        "党支部书记",
        "2021年4月1日",
        "",
        "选举产生",
        "",
    ]
    report = do_import([dict(zip(headers, values, strict=True))], user=bob, headers=headers)
    assert report.ok, messages(report)
    member = CommitteeMember.objects.get()
    assert (member.organization, member.position, member.origin) == (
        tree["A1"],
        "secretary",
        "elected",
    )


def office_workbook() -> bytes:
    """A committee list as a township office keeps it: a title, a note, its own headers,
    a date cell, a 序号 column and a footer."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "班子成员"
    sheet.append(["甲镇村（社区）党组织班子成员名册"])
    sheet.merge_cells("A1:I1")
    sheet.append(["填报单位：甲镇党委（盖章）　　截至：2026年3月31日"])
    sheet.append(
        [
            "序号",
            "党组织",
            "姓名",
            "身份证号码",
            "职务",
            "任职日期",
            "离任日期",
            "产生方式",
            "兼任职务",
        ]
    )
    sheet.append(
        [
            1,
            "甲一村支部",
            "赵书记",
            id_number(seq=101),
            "书记",
            datetime.datetime(2021, 4, 1),
            None,
            "选举",
            "村民委员会主任",
        ]
    )
    sheet.append(
        [2, "甲一村", "钱委员", id_number(seq=102), "支委", "2021/4/1", None, "选举", None]
    )
    sheet.append(["合计：2人"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_saved_by_libreoffice_imports(bob, tree, tmp_path):
    source = tmp_path / "班子成员.xlsx"
    source.write_bytes(office_workbook())
    (converted,) = convert([source], "xlsx", tmp_path / "saved")
    report = do_import([], user=bob, data=converted.read_bytes(), name=converted.name)
    assert report.ok, messages(report)
    assert report.new == 2
    assert "表头在第3行" in report.summary()
    assert "序号" in report.summary()
    secretary = CommitteeMember.objects.get(position="secretary")
    assert (secretary.organization, secretary.started_on) == (tree["A1"], datetime.date(2021, 4, 1))
    assert CommitteeMember.objects.get(position="member").name == "钱委员"
    assert fresh(tree["A1"]).secretary_name == "赵书记"
