"""Exporting the roster: masked unless permitted, always logged, inside the scope."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from core.importing import run_import
from core.tables import read_table
from members.models import Member
from members.resources.roster import MemberResource
from portal.exporting import export_file
from portal.models import ExportLog
from tests.factories import make_member
from tests.helpers import MEMBER_HEADERS


def rows_of(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def grant_full_view(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))


@pytest.fixture
def roster(tree):
    return {
        "a1": make_member(tree["A1"], seq=1, phone="13800001111"),
        "a2": make_member(tree["A2"], seq=2, female=True),
        "b1": make_member(tree["B1"], seq=3),
    }


def test_headers_are_the_data_dictionary_and_numbers_are_masked(roster, bob):
    content, count = export_file("members", "xlsx", user=bob)
    rows = rows_of(content)
    assert rows[0] == [*MEMBER_HEADERS, "生活困难类型"]  # the optional column last
    assert count == 2  # A1 and A2, not B1
    by_org = {row[9]: row for row in rows[1:]}
    assert set(by_org) == {"A1", "A2"}
    number = roster["a1"].id_number
    assert by_org["A1"][1] == number[:4] + "**********" + number[-4:]
    assert by_org["A1"][11] == "138****1111"
    assert by_org["A1"][2] == "男"
    assert by_org["A1"][3] == "汉族"
    assert by_org["A1"][4] == "1980-05-17"


def test_a_user_with_the_permission_gets_full_numbers(roster, bob):
    grant_full_view(bob)
    bob = type(bob).objects.get(pk=bob.pk)  # permissions are cached per instance
    content, _count = export_file("members", "xlsx", user=bob)
    numbers = {row[1] for row in rows_of(content)[1:]}
    assert numbers == {roster["a1"].id_number, roster["a2"].id_number}
    log = ExportLog.objects.get()
    assert log.unmasked is True
    assert log.user == bob


def test_every_export_is_logged_with_scope_and_rows(roster, sam, tree):
    export_file("members", "csv", user=sam, org=tree["A1"], channel="page")
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.rows, log.unmasked) == (sam, "members", 1, False)
    assert log.organization == tree["A1"]
    assert "甲一村支部（A1）" in log.scope_label
    assert log.channel == "page"
    assert log.file_format == "csv"


def test_an_organisation_outside_the_scope_is_refused_and_not_logged(roster, sam, tree):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        export_file("members", "xlsx", user=sam, org=tree["A2"])
    assert not ExportLog.objects.exists()


def test_the_command_masks_by_default_and_logs(roster, tmp_path):
    out = tmp_path / "m.xlsx"
    call_command("export_data", "members", "--out", str(out))
    numbers = {row[1] for row in rows_of(out.read_bytes())[1:]}
    assert all("**********" in n for n in numbers)
    log = ExportLog.objects.get()
    assert log.user is None
    assert log.unmasked is False
    assert log.channel == "command"
    assert log.rows == 3


def test_the_deployer_may_ask_for_full_numbers_explicitly(roster, tmp_path):
    out = tmp_path / "m.xlsx"
    call_command("export_data", "members", "--out", str(out), "--unmasked")
    numbers = {row[1] for row in rows_of(out.read_bytes())[1:]}
    assert numbers == {m.id_number for m in roster.values()}
    assert ExportLog.objects.get().unmasked is True


def test_unmasked_is_not_available_for_a_user(roster, bob, tmp_path):
    with pytest.raises(CommandError, match="--unmasked 只能由部署人员"):
        call_command(
            "export_data", "members", "--out", str(tmp_path / "x.xlsx"), "--user", "bob",
            "--unmasked",
        )  # fmt: skip
    assert not ExportLog.objects.exists()


def test_an_unmasked_export_imports_back_unchanged(roster):
    content, _count = export_file("members", "xlsx", unmasked=True)
    history = Member.history.count()
    report = run_import(MemberResource(), read_table(content, "back.xlsx"))
    assert report.ok, [str(e) for e in report.errors]
    assert report.unchanged == 3
    assert Member.history.count() == history


def test_a_masked_export_cannot_be_imported_by_mistake(roster):
    content, _count = export_file("members", "xlsx")
    report = run_import(MemberResource(), read_table(content, "masked.xlsx"))
    (error,) = report.errors  # one sentence for the file, not one per row
    assert "脱敏导出文件" in error.message
    assert "公民身份号码" in error.message
    assert Member.objects.count() == 3


def test_export_uses_a_constant_number_of_queries(tree, django_assert_max_num_queries):
    for seq in range(1, 40):
        make_member(tree["A1"] if seq % 2 else tree["B1"], seq=seq)
    with django_assert_max_num_queries(6):
        _content, count = export_file("members", "xlsx")
    assert count == 39
