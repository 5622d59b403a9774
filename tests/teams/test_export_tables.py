"""Exporting the team tables (committee, elections, postings): the data dictionary's
headers, ID numbers masked unless permitted, every export of personal data logged, an
export imports back unchanged; the blank templates; the admin's import, export and lists."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.blank_template import blank_template
from core.importing import run_import
from core.models import ImportJob
from core.registry import get_kind
from core.tables import read_table
from orgs.models import Organization
from portal.exporting import export_file
from portal.models import ExportLog
from teams.models import CommitteeMember, Election, Posting
from teams.resources import PostingResource
from tests.helpers import id_number, xlsx_bytes

pytestmark = pytest.mark.django_db

TABLES = ("committee", "elections", "postings")
DICTIONARY = Path(settings.BASE_DIR) / "docs" / "data-dictionary.md"
ADMIN_OF = {"committee": "committeemember", "elections": "election", "postings": "posting"}
COMMITTEE_HEADERS = [
    "组织代码",
    "姓名",
    "公民身份号码",
    "职务",
    "任职日期",
    "离任日期",
    "产生方式",
    "兼任职务",
]
ELECTION_HEADERS = [
    "组织代码",
    "届次",
    "选举日期",
    "应到人数",
    "实到人数",
    "选举方式",
    "候选人数",
    "应选人数",
    "批复日期",
]
POSTING_HEADERS = ["组织代码", "姓名", "公民身份号码", "类别", "派出单位", "开始日期", "结束日期"]


def dictionary_headers(table: str) -> list[str]:
    """The columns of `table` as docs/data-dictionary.md lists them, in order."""
    text = DICTIONARY.read_text(encoding="utf-8")
    section = text.split(f"\n## {table} — ", 1)[1].split("\n## ", 1)[0]
    headers = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if not line.startswith("|") or cells[0] in ("column", "---"):
            continue
        headers += re.split(r"\s*[,/]\s*", cells[0])
    return headers


def rows_of(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def grant_full_view(user):
    user.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
    return type(user).objects.get(pk=user.pk)  # permissions are cached per instance


def import_as_deployer(table: str, headers: list[str], rows: list[list[str]]) -> None:
    data = xlsx_bytes([dict(zip(headers, r, strict=True)) for r in rows], headers)
    report = run_import(get_kind(table).resource(), read_table(data, f"{table}.xlsx"))
    assert report.ok, [str(e) for e in report.errors]


@pytest.fixture
def teams(tree):
    """Committees (one 书记 of A2 known only by name), elections and postings in A1,
    A2 and B1."""
    import_as_deployer(
        "committee",
        COMMITTEE_HEADERS,
        [
            ["A1", "赵书记", id_number(seq=301), "书记", "2021-04-01", "", "选举", "村委会主任"],
            ["A1", "钱委员", id_number(seq=302), "组织委员", "2021-04-01", "", "", ""],
            ["B1", "孙书记", id_number(seq=303), "书记", "2016-04-01", "2021-04-01", "任命", ""],
        ],
    )
    village = Organization.objects.get(code="A2")
    village.secretary_name = "冯姓名"  # a 书记 known only by name: no number to export
    village.save()
    import_as_deployer(
        "elections",
        ELECTION_HEADERS,
        [
            ["A1", "第十届", "2021-04-01", "30", "28", "差额", "6", "5", "2021-04-10"],
            ["B1", "", "2021-04-01", "20", "18", "等额", "", "", ""],
        ],
    )
    import_as_deployer(
        "postings",
        POSTING_HEADERS,
        [
            ["A1", "李驻村", id_number(seq=304), "第一书记", "县农业农村局", "2024-03-01", ""],
            ["B1", "周队员", id_number(seq=305), "工作队员", "", "2023-03-01", "2025-03-01"],
        ],
    )


@pytest.mark.parametrize("table", TABLES)
def test_blank_templates_carry_the_dictionarys_headers(table):
    content = blank_template(get_kind(table).resource())
    headers = rows_of(content)[0]
    assert headers == dictionary_headers(table)
    assert (
        headers
        == {
            "committee": COMMITTEE_HEADERS,
            "elections": ELECTION_HEADERS,
            "postings": POSTING_HEADERS,
        }[table]
    )


@pytest.mark.parametrize("table", TABLES)
def test_an_export_imports_back_unchanged(teams, table):
    content, rows = export_file(table, "xlsx", unmasked=True)
    assert rows == {"committee": 4, "elections": 2, "postings": 2}[table]
    resource = get_kind(table).resource()
    history = resource._meta.model.history.count()
    report = run_import(resource, read_table(content, f"{table}.xlsx"))
    assert report.ok, [str(e) for e in report.errors]
    assert (report.new, report.updated, report.unchanged) == (0, 0, rows)
    assert resource._meta.model.history.count() == history


@pytest.mark.parametrize("table", ["committee", "postings"])
def test_exports_mask_id_numbers_and_stay_inside_the_scope(teams, bob, table):
    content, rows = export_file(table, "xlsx", user=bob)
    exported = rows_of(content)
    assert exported[0] == dictionary_headers(table)
    orgs = {"committee": {"A1", "A2"}, "postings": {"A1"}}[table]
    assert {r[0] for r in exported[1:]} == orgs  # not B1
    numbers = {r[2] for r in exported[1:]} - {""}  # A2's 书记 has no number
    assert numbers
    assert all(re.fullmatch(r"\d{4}\*{10}\d{3}[\dX]", n) for n in numbers), numbers
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.rows, log.unmasked) == (bob, table, rows, False)


def test_the_full_data_permission_exports_full_numbers(teams, bob):
    content, _rows = export_file("committee", "xlsx", user=grant_full_view(bob))
    numbers = {r[2] for r in rows_of(content)[1:]}
    assert numbers == {id_number(seq=301), id_number(seq=302), ""}
    assert ExportLog.objects.get().unmasked is True


def test_a_masked_export_is_refused_as_a_whole(teams, bob):
    content, _rows = export_file("committee", "xlsx", user=bob)
    report = run_import(get_kind("committee").resource(user=bob), read_table(content, "x.xlsx"))
    (error,) = report.errors
    assert "脱敏导出文件" in error.message


def test_the_command_exports_each_table_and_logs_personal_ones(teams, tmp_path):
    for table in TABLES:
        out = tmp_path / f"{table}.xlsx"
        call_command("export_data", table, "--out", str(out))
        exported = rows_of(out.read_bytes())
        assert exported[0] == dictionary_headers(table)
    assert sorted(ExportLog.objects.values_list("kind", flat=True)) == ["committee", "postings"]
    assert not ExportLog.objects.filter(unmasked=True).exists()


# --- the admin ---------------------------------------------------------------------
@pytest.mark.parametrize("table", TABLES)
def test_the_admin_hands_out_the_blank_template(client, bob, table):
    client.force_login(bob)
    response = client.get(reverse(f"admin:teams_{ADMIN_OF[table]}_template"))
    assert response.status_code == 200
    assert rows_of(response.content)[0] == dictionary_headers(table)


def admin_import(client, table: str, data: bytes):
    return client.post(
        reverse(f"admin:teams_{ADMIN_OF[table]}_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("t.xlsx", data)},
    )


def test_the_admin_previews_then_imports_a_committee(client, bob, tree):
    client.force_login(bob)
    row = ["A1", "赵书记", id_number(seq=301), "书记", "2021-04-01", "", "选举", ""]
    data = xlsx_bytes([dict(zip(COMMITTEE_HEADERS, row, strict=True))], COMMITTEE_HEADERS)
    response = admin_import(client, "committee", data)
    assert response.status_code == 200
    assert not CommitteeMember.objects.exists()
    confirm = response.context["confirm_form"]
    values = {name: field.initial for name, field in confirm.fields.items()}
    values.update(dict(confirm.initial.items()))
    response = client.post(reverse("admin:teams_committeemember_process_import"), values)
    assert response.status_code == 302
    member = CommitteeMember.objects.get()
    assert member.history.first().history_user == bob
    tree["A1"].refresh_from_db()
    assert tree["A1"].secretary_name == "赵书记"


def test_the_admin_reports_an_outsiders_rows(client, charlie, tree):
    client.force_login(charlie)
    row = ["A1", "第十届", "2021-04-01", "30", "28", "差额", "6", "5", ""]
    data = xlsx_bytes([dict(zip(ELECTION_HEADERS, row, strict=True))], ELECTION_HEADERS)
    content = admin_import(client, "elections", data).content.decode()
    assert "第2行 [组织代码] 组织“A1”不在您的管辖范围内。" in content
    assert not Election.objects.exists()


def test_a_large_file_becomes_a_background_job(
    client, bob, tree, settings, django_capture_on_commit_callbacks
):
    from config.celery import app

    settings.IMPORT_ASYNC_ROWS = 1
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        client.force_login(bob)
        rows = [
            ["A1", "李驻村", id_number(seq=304), "第一书记", "", "2024-03-01", ""],
            ["A2", "周队员", id_number(seq=305), "工作队员", "", "2023-03-01", ""],
        ]
        data = xlsx_bytes(
            [dict(zip(POSTING_HEADERS, r, strict=True)) for r in rows], POSTING_HEADERS
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_import(client, "postings", data)
    finally:
        app.conf.task_always_eager = eager
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.kind, job.user, job.status, job.errors) == ("postings", bob, "checked", [])
    assert not Posting.objects.exists()  # checked, waiting for the confirmation


def test_admin_lists_mask_id_numbers_and_exports_are_logged(client, bob, teams, quiet_request_log):
    client.force_login(bob)
    number = id_number(seq=301)
    html = client.get(reverse("admin:teams_committeemember_changelist")).content.decode()
    assert number[:4] + "**********" + number[-4:] in html
    assert number not in html
    assert "孙书记" not in html  # B1's
    # The number cannot be confirmed through the changelist's URL either.
    response = client.get(reverse("admin:teams_committeemember_changelist"), {"id_number": number})
    assert response.status_code == 400

    response = client.post(
        reverse("admin:teams_posting_export"),
        {
            "format": "1",
            "resource": "0",
            **{f"postingresource_{f}": "on" for f in PostingResource().fields},
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    text = response.content.decode("utf-8-sig")
    assert "李驻村" in text
    assert "周队员" not in text
    number = id_number(seq=304)
    assert number[:4] + "**********" + number[-4:] in text
    assert number not in text
    log = ExportLog.objects.get()
    assert (log.kind, log.user, log.channel, log.unmasked) == ("postings", bob, "admin", False)


@pytest.mark.parametrize(
    "model",
    [
        "committeemember",
        "election",
        "posting",
        "candidate",
        "reservecadre",
        "cadrepay",
        "paystandard",
    ],
)
def test_every_team_admin_lists_for_staff(client, bob, teams, model):
    client.force_login(bob)
    assert client.get(reverse(f"admin:teams_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:teams_{model}_add")).status_code == 200


def test_the_change_form_masks_the_number_and_the_add_form_takes_it(client, bob, teams):
    client.force_login(bob)
    secretary = CommitteeMember.objects.get(name="赵书记")
    content = client.get(
        reverse("admin:teams_committeemember_change", args=[secretary.pk])
    ).content.decode()
    assert secretary.masked_id_number in content
    assert secretary.id_number not in content
    assert 'name="id_number"' not in content
    assert (
        'name="id_number"'
        in client.get(reverse("admin:teams_committeemember_add")).content.decode()
    )


def test_the_admin_saves_a_committee_member_through_the_service(client, bob, tree):
    client.force_login(bob)
    response = client.post(
        reverse("admin:teams_committeemember_add"),
        {
            "organization": tree["A2"].pk,
            "position": "secretary",
            "name": "冯书记",
            "id_number": id_number(seq=311),
            "started_on": "2021-04-01",
            "concurrent_post": "",
            "ended_on": "",
            "origin": "elected",
            "leave_reason": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CommitteeMember.objects.get().history.first().history_user == bob
    tree["A2"].refresh_from_db()
    assert tree["A2"].secretary_name == "冯书记"


def test_an_outsider_cannot_open_a_team_row(client, charlie, teams):
    client.force_login(charlie)
    secretary = CommitteeMember.objects.get(name="赵书记")
    response = client.get(reverse("admin:teams_committeemember_change", args=[secretary.pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert (
        "赵书记"
        not in client.get(reverse("admin:teams_committeemember_changelist")).content.decode()
    )


def test_a_candidates_page_carries_its_reviews(client, bob, charlie, tree):
    from teams.models import Candidate, VettingCheck

    candidate = Candidate.objects.create(
        organization=tree["A1"], name="陈人选", id_number=id_number(seq=321),
        proposed_on=datetime.date(2026, 1, 5),
    )  # fmt: skip
    VettingCheck.objects.create(
        candidate=candidate, body="police", passed=True, checked_on=datetime.date(2026, 1, 9)
    )
    url = reverse("admin:teams_candidate_change", args=[candidate.pk])
    client.force_login(bob)
    content = client.get(url).content.decode()
    assert "checks-TOTAL_FORMS" in content
    assert candidate.masked_id_number in content
    assert candidate.id_number not in content
    client.force_login(charlie)
    assert client.get(url).status_code == 302
