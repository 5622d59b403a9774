"""The admin's preview says what an import will write: the values of new rows, old → new
for each changed column (masked as every export is), the totals, and what the reader left
out on its own."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.importing import PREVIEW_ROWS, run_import
from core.tables import read_table
from members.models import Member
from members.resources.roster import MemberResource
from tests.helpers import MEMBER_HEADERS, member_row, xlsx_bytes


def upload(client, rows, headers=MEMBER_HEADERS):
    url = reverse("admin:members_member_import")
    return client.post(
        url,
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("members.xlsx", xlsx_bytes(rows, headers)),
        },
    )


def seed(rows, user):
    data = xlsx_bytes(rows, MEMBER_HEADERS)
    report = run_import(MemberResource(user=user), read_table(data, "members.xlsx"))
    assert report.ok, [str(e) for e in report.errors]


def test_the_preview_shows_new_values_and_changes_masked(client, bob, tree):
    seed([member_row("A1", seq=1), member_row("A1", seq=2)], bob)
    client.force_login(bob)
    rows = [
        member_row("A1", seq=1, 联系电话="13800001111", 学历="研究生"),  # two changes
        member_row("A1", seq=2),  # unchanged
        member_row("A2", seq=3, 姓名="赵敏"),  # new
    ]
    page = upload(client, rows).content.decode()
    assert "将新增 1 行，更新 1 行，1 行与系统中一致" in page
    assert "第2行" in page
    assert "<del>139****5678</del> → 138****1111" in page
    assert "<del>大学本科</del> → 研究生" in page
    assert "第4行" in page
    assert "赵敏" in page
    assert "第3行" not in page  # unchanged rows are counted, not listed
    assert rows[0]["公民身份号码"] not in page  # never a full number
    assert Member.objects.count() == 2  # a preview writes nothing


def test_the_preview_lists_at_most_a_page_of_rows(client, bob, tree):
    client.force_login(bob)
    rows = [member_row("A1", seq=seq) for seq in range(1, PREVIEW_ROWS + 6)]
    response = upload(client, rows)
    preview = response.context["result"].portal_preview
    assert preview.new == PREVIEW_ROWS + 5
    assert len(preview.rows) == PREVIEW_ROWS
    assert preview.truncated
    assert "只列出前" in response.content.decode()


def test_the_preview_tells_what_the_reader_left_out(client, bob, tree):
    client.force_login(bob)
    headers = ["序号", *MEMBER_HEADERS]
    rows = [{"序号": 1, **member_row("A1", seq=1)}]
    page = upload(client, rows, headers).content.decode()
    assert "以下列不属于本表，未导入：序号" in page


def test_another_townships_staff_preview_nothing_of_ours(client, bob, charlie, tree):
    seed([member_row("A1", seq=1)], bob)
    client.force_login(charlie)
    page = upload(client, [member_row("A1", seq=1, 联系电话="13800001111")]).content.decode()
    assert "139****5678" not in page
    assert "将新增" not in page  # refused, not previewed
    assert Member.objects.get().phone == "13912345678"


def test_a_refused_file_counts_the_rows_in_error(client, bob, tree):
    client.force_login(bob)
    rows = [
        member_row("A1", seq=1, 民族="未知族", 学历="不详"),  # two errors, one row
        member_row("A1", seq=2),
        member_row("A1", seq=3, 入党日期="7/1/2005"),
    ]
    page = upload(client, rows).content.decode()
    assert "导入失败：共 3 处错误" in page
    assert "有错误的行共 2 行。" in page
    assert not Member.objects.exists()
