"""Importing the orgs table: every rule of the data dictionary, all-or-nothing, scope."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.importing import run_import
from core.tables import read_table
from orgs.models import Organization
from orgs.resources import OrganizationResource
from tests.helpers import ORG_HEADERS, csv_bytes, org_row, xlsx_bytes


def do_import(rows, user=None, dry_run=False, headers=None):
    dataset = read_table(xlsx_bytes(rows, headers), "orgs.xlsx")
    return run_import(OrganizationResource(user=user), dataset, dry_run=dry_run)


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


def test_it_imports_new_organisations_under_existing_ones(tree):
    report = do_import([org_row("A3", "A"), org_row("A3-1", "A3", 组织类别="临时党支部")])
    assert report.ok, messages(report)
    assert report.new == 2
    child = Organization.objects.get(code="A3-1")
    assert child.parent_node().code == "A3"
    assert Organization.objects.get(code="A3").parent_node().code == "A"
    assert child.term_years == 5  # village default
    assert all(not problems for problems in Organization.objects.find_problems())


def test_it_is_idempotent(tree):
    rows = [org_row("A3", "A"), org_row("A4", "A", 任期年限="3", 行政层级="其他")]
    assert do_import(rows).new == 2
    history_before = Organization.history.count()
    again = do_import(rows)
    assert again.ok
    assert again.new == 0
    assert again.updated == 0
    assert again.unchanged == 2
    assert Organization.objects.filter(code__in=["A3", "A4"]).count() == 2
    assert Organization.history.count() == history_before


def test_it_updates_fields_and_moves_an_organisation(tree):
    report = do_import([org_row("A1", "B", 组织名称="改名后的村支部")])
    assert report.ok, messages(report)
    moved = Organization.objects.get(code="A1")
    assert moved.name == "改名后的村支部"
    assert moved.parent_node().code == "B"
    assert all(not problems for problems in Organization.objects.find_problems())
    assert moved.history.first().history_change_reason.startswith("调整上级组织")


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"组织代码": "A 3"}, "组织代码", "字母、数字"),
        ({"组织代码": "X" * 33}, "组织代码", "32"),
        ({"组织名称": ""}, "组织名称", "必填"),
        ({"组织名称": "名" * 101}, "组织名称", "100"),
        ({"上级组织代码": ""}, "上级组织代码", "必填"),
        ({"上级组织代码": "NOPE"}, "上级组织代码", "不存在"),
        ({"上级组织代码": "A3"}, "上级组织代码", "自己"),
        ({"组织类别": "支部"}, "组织类别", "不是可选值"),
        ({"行政层级": "省级"}, "行政层级", "不是可选值"),
        ({"行政层级": "县级"}, "行政层级", "不能高于上级"),
        ({"所属领域": "工业"}, "所属领域", "不是可选值"),
        ({"成立日期": "2999-01-01"}, "成立日期", "不能晚于今天"),
        ({"成立日期": "05/03/2020"}, "成立日期", "按“年-月-日”填写"),
        ({"书记联系电话": "1380013800"}, "书记联系电话", "11 位"),
        ({"本届任期开始日期": "2023-02-30"}, "本届任期开始日期", "不是有效日期"),
        ({"任期年限": "4"}, "任期年限", "3 或 5"),
        ({"任期年限": "3.5"}, "任期年限", "整数"),
        ({"是否示范点": "可能"}, "是否示范点", "是"),
        ({"是否软弱涣散": "对"}, "是否软弱涣散", "是"),
    ],
)
def test_each_rule_reports_its_row_and_column(tree, overrides, column, fragment):
    before = Organization.objects.count()
    report = do_import([org_row("A2X", "A"), org_row("A3", "A", **overrides)])
    assert not report.ok
    assert len(report.errors) == 1, messages(report)
    error = report.errors[0]
    assert (error.row, error.column) == (3, column)
    assert fragment in error.message
    assert str(error).startswith(f"第3行 [{column}] ")
    assert Organization.objects.count() == before  # the good row was not imported either


def test_it_reports_every_bad_row_at_once(tree):
    report = do_import(
        [org_row("A3", "A", 组织类别="支部"), org_row("A4", "A"), org_row("A5", "A", 行政层级="")]
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "组织类别"), (4, "行政层级")]


def test_a_parent_may_come_earlier_in_the_same_file_but_not_later(tree):
    assert do_import([org_row("N1", "A", 行政层级="其他"), org_row("N2", "N1")]).ok
    report = do_import([org_row("M2", "M1"), org_row("M1", "A")])
    assert messages(report) == [
        "第2行 [上级组织代码] “M1”不存在（上级组织须已在系统中，或在本文件前面的行中）。"
    ]


def test_moving_under_its_own_descendant_is_a_cycle(tree):
    report = do_import([org_row("A", "A1", 组织类别="党委", 行政层级="乡镇级")])
    assert any("循环" in m for m in messages(report))
    assert Organization.objects.get(code="A").parent_node().code == "C"


def test_a_level_change_may_not_put_children_above_their_parent(tree):
    report = do_import([org_row("A", "C", 组织类别="党委", 行政层级="村级")])
    assert report.ok  # children are village level: equal is fine
    report = do_import([org_row("C", "", 组织类别="党委", 行政层级="村级")])
    assert any("下级组织的行政层级" in m for m in messages(report))


def test_duplicates_inside_a_file_are_reported(tree):
    report = do_import([org_row("A3", "A"), org_row("A3", "A", 组织名称="另一个")])
    assert messages(report) == ["第3行 [组织代码] 与第2行重复。"]
    assert not Organization.objects.filter(code="A3").exists()


def test_unknown_and_missing_columns_are_refused(tree):
    headers = [h for h in ORG_HEADERS if h != "所属领域"] + ["负责人"]
    report = do_import([org_row("A3", "A")], headers=headers)
    text = " ".join(messages(report))
    assert "未知的列：负责人" in text
    assert "缺少必填列：所属领域" in text
    assert report.errors[0].row == 1
    assert not Organization.objects.filter(code="A3").exists()


def test_dry_run_writes_nothing(tree):
    report = do_import([org_row("A3", "A")], dry_run=True)
    assert report.ok
    assert report.new == 1
    assert not Organization.objects.filter(code="A3").exists()


def test_blank_rows_are_ignored_and_numbering_follows_excel(tree):
    report = do_import([org_row("A3", "A"), {}, org_row("A4", "A", 组织类别="x")])
    assert [(e.row, e.column) for e in report.errors] == [(4, "组织类别")]


def test_csv_with_and_without_bom_and_in_gb18030(tree):
    for encoding, code in (("utf-8-sig", "A3"), ("utf-8", "A4"), ("gb18030", "A5")):
        data = csv_bytes([org_row(code, "A")], encoding=encoding)
        report = run_import(OrganizationResource(), read_table(data, "orgs.csv"))
        assert report.ok, messages(report)
        assert Organization.objects.get(code=code).name == f"{code}支部委员会"


def test_excel_date_cells_are_accepted(tree):
    import datetime

    report = do_import([org_row("A3", "A", 成立日期=datetime.date(2000, 1, 2))])
    assert report.ok, messages(report)
    assert Organization.objects.get(code="A3").founded_on == datetime.date(2000, 1, 2)


class TestScope:
    def test_staff_imports_inside_their_subtree(self, bob):
        assert do_import([org_row("A3", "A")], user=bob).ok

    def test_staff_cannot_attach_to_another_subtree(self, bob):
        report = do_import([org_row("B2", "B")], user=bob)
        assert messages(report) == ["第2行 [上级组织代码] “B”不在您的管辖范围内。"]
        assert not Organization.objects.filter(code="B2").exists()

    def test_staff_cannot_overwrite_another_subtrees_record_by_naming_its_code(self, bob):
        report = do_import([org_row("B1", "A", 组织名称="篡改")], user=bob)
        assert messages(report) == ["第2行 [组织代码] “B1”已存在，但不在您的管辖范围内，不能修改。"]
        b1 = Organization.objects.get(code="B1")
        assert b1.name == "乙一村支部"
        assert b1.parent_node().code == "B"

    def test_the_top_of_a_scope_keeps_its_outside_parent_on_reimport(self, bob):
        report = do_import(
            [org_row("A", "C", 组织名称="甲镇党委", 组织类别="党委", 行政层级="乡镇级")], user=bob
        )
        assert report.ok, messages(report)

    def test_staff_cannot_create_a_root(self, bob):
        report = do_import([org_row("R", "", 行政层级="县级")], user=bob)
        assert messages(report) == ["第2行 [上级组织代码] 必填（只有根组织可以留空）。"]

    @pytest.mark.parametrize("role_user", ["sam", "leo"])
    def test_only_staff_may_import(self, request, role_user):
        user = request.getfixturevalue(role_user)
        report = do_import([org_row("A3", "A")], user=user)
        assert messages(report) == ["第1行 [表头] 只有组织部工作人员可以导入数据。"]
        assert not Organization.objects.filter(code="A3").exists()


class TestCommand:
    def test_it_imports_a_file(self, tree, tmp_path, capsys):
        path = tmp_path / "orgs.xlsx"
        path.write_bytes(xlsx_bytes([org_row("A3", "A")]))
        call_command("import_data", "orgs", str(path))
        assert "新增 1" in capsys.readouterr().out
        assert Organization.objects.filter(code="A3").exists()

    def test_it_fails_with_every_error_and_changes_nothing(self, tree, tmp_path, capsys):
        path = tmp_path / "orgs.xlsx"
        path.write_bytes(xlsx_bytes([org_row("A3", "A", 组织类别="x"), org_row("A4", "NOPE")]))
        with pytest.raises(CommandError, match="共 2 处错误"):
            call_command("import_data", "orgs", str(path))
        err = capsys.readouterr().err
        assert "第2行 [组织类别]" in err
        assert "第3行 [上级组织代码]" in err
        assert not Organization.objects.filter(code__in=["A3", "A4"]).exists()

    def test_dry_run_and_user_options(self, bob, tmp_path):
        path = tmp_path / "orgs.csv"
        path.write_bytes(csv_bytes([org_row("A3", "A")]))
        call_command("import_data", "orgs", str(path), "--dry-run", "--user", "bob")
        assert not Organization.objects.filter(code="A3").exists()
        path.write_bytes(csv_bytes([org_row("B3", "B")]))
        with pytest.raises(CommandError):
            call_command("import_data", "orgs", str(path), "--user", "bob")

    def test_it_refuses_other_file_types_and_unknown_users(self, tree, tmp_path):
        path = tmp_path / "orgs.txt"
        path.write_text("x")
        with pytest.raises(CommandError, match=".xlsx、.xls 或 .csv"):
            call_command("import_data", "orgs", str(path))
        path = tmp_path / "broken.xlsx"
        path.write_bytes(b"PK\x03\x04 not really a zip")
        with pytest.raises(CommandError, match="无法读取"):
            call_command("import_data", "orgs", str(path))
        with pytest.raises(CommandError, match="用户不存在"):
            call_command("import_data", "orgs", str(path), "--user", "nobody")


def test_a_code_that_names_a_page_is_refused(tree):
    report = do_import([org_row("life", "A")])
    assert messages(report) == ["第2行 [组织代码] “life”是系统保留字，请换一个组织代码。"]
