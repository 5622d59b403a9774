"""/health/: the findings of the user's scope, the counts per township, the export; and the
admin of the thresholds."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import HealthThreshold
from tests.factories import make_member, make_org

URL = reverse("assessments:health")
EXPORT = reverse("assessments:health_export")


@pytest.fixture
def findings_tree(tree):
    """A1 and B1 each have one member (too few, no woman); A2 is a weak-and-lax village."""
    make_member(tree["A1"])
    make_member(tree["B1"])
    a2 = tree["A2"]
    a2.is_weak_and_lax = True
    a2.save()
    return tree


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# --- the page -------------------------------------------------------------------------------
def test_it_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_county_staff_see_every_finding_grouped_with_counts_per_township(
    client, alice, findings_tree, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(40):
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "组织健康体检" in page
    for name in ("甲一村支部", "甲二村支部", "乙一村支部"):
        assert name in page
    assert "党员 1 名，少于 10 名。" in page
    assert f'href="{reverse("orgs:detail", args=["A1"])}"' in page
    # Counts per township: each township's row holds its villages' findings.
    areas = response.context["selection"].areas
    assert [a.top.code for a in areas] == ["C"]
    rows = {row.label: row for row in areas[0].rows}
    findings = response.context["selection"].findings
    assert rows["甲镇党委"].total == sum(
        f.org_path.startswith(findings_tree["A"].path) for f in findings
    )
    assert rows["乙镇党委"].total == sum(
        f.org_path.startswith(findings_tree["B"].path) for f in findings
    )
    assert rows["甲镇党委"].danger == 1  # A2, weak and lax


def test_it_filters_by_rule_and_severity(client, alice, findings_tree):
    client.force_login(alice)
    shown = client.get(URL, {"rule": "weak_and_lax"}).context["page"].object_list
    assert [(f.code, f.rule) for f in shown] == [("A2", "weak_and_lax")]
    shown = client.get(URL, {"severity": "danger"}).context["page"].object_list
    assert {f.severity for f in shown} == {"danger"}
    # An unknown filter is ignored rather than hiding everything.
    response = client.get(URL, {"rule": "nonsense"})
    assert len(response.context["page"].object_list) == len(response.context["selection"].findings)


def test_a_chosen_subtree_shows_only_that_subtree(client, alice, findings_tree):
    client.force_login(alice)
    response = client.get(URL, {"org": "A"})
    codes = {f.code for f in response.context["selection"].findings}
    assert codes <= {"A", "A1", "A2"}
    assert "A1" in codes
    assert "乙一村支部" not in response.content.decode()


def test_charlie_sees_nothing_of_township_a(client, charlie, findings_tree):
    client.force_login(charlie)
    response = client.get(URL)
    page = response.content.decode()
    assert "乙一村支部" in page
    assert "甲一村支部" not in page
    assert "甲二村支部" not in page
    assert "甲镇党委" not in page
    assert client.get(URL, {"org": "A"}).status_code == 404
    assert client.get(URL, {"org": "A1"}).status_code == 404


def test_sam_sees_only_his_village(client, sam, findings_tree):
    client.force_login(sam)
    response = client.get(URL)
    assert {f.code for f in response.context["selection"].findings} == {"A1"}
    page = response.content.decode()
    assert "甲二村支部" not in page
    assert "乙一村支部" not in page
    assert client.get(URL, {"org": "A2"}).status_code == 404


def test_a_user_without_scope_sees_an_empty_state(client, db):
    from accounts.models import User

    user = User.objects.create_user("nobody", password="pw-for-tests-1")
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "还没有可查看的党组织" in response.content.decode()


def test_the_page_is_read_only(client, alice, findings_tree):
    client.force_login(alice)
    assert client.post(URL).status_code == 405
    assert client.post(EXPORT, {"format": "csv"}).status_code == 405


# --- the export ------------------------------------------------------------------------------
def test_the_csv_export_has_plain_columns_and_a_bom(client, bob, findings_tree):
    client.force_login(bob)
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="health-scope-')
    rows = csv_rows(response)
    assert rows[0] == ["组织代码", "组织名称", "规则", "说明", "严重程度"]
    assert ["A1", "甲一村支部", "村（社区）党员过少", "党员 1 名，少于 10 名。", "提醒"] in rows
    assert {row[0] for row in rows[1:]} <= {"A", "A1", "A2"}


def test_the_export_follows_the_filters(client, alice, findings_tree):
    client.force_login(alice)
    rows = csv_rows(client.get(EXPORT, {"format": "csv", "org": "A", "rule": "weak_and_lax"}))
    assert [row[:3] for row in rows[1:]] == [["A2", "甲二村支部", "软弱涣散"]]


def test_the_xlsx_export_opens_in_a_spreadsheet(client, alice, findings_tree):
    client.force_login(alice)
    response = client.get(EXPORT, {"format": "xlsx", "org": "B"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["组织代码", "组织名称", "规则", "说明", "严重程度"]
    assert {r[0] for r in rows[1:]} == {"B", "B1"}  # B has no secretary recorded


def test_cells_that_look_like_formulas_are_escaped(client, alice, findings_tree):
    make_org(findings_tree["A1"], code="A1-X", name="=HYPERLINK(1)", level="other")
    client.force_login(alice)
    rows = csv_rows(client.get(EXPORT, {"format": "csv", "org": "A1-X"}))
    assert {row[1] for row in rows[1:]} == {"'=HYPERLINK(1)"}
    sheet = load_workbook(
        io.BytesIO(client.get(EXPORT, {"format": "xlsx", "org": "A1-X"}).content)
    ).active
    assert sheet.cell(row=2, column=2).value == "'=HYPERLINK(1)"


def test_the_export_refuses_other_subtrees_and_unknown_formats(client, charlie, sam, findings_tree):
    client.force_login(charlie)
    assert client.get(EXPORT, {"format": "csv", "org": "A"}).status_code == 404
    rows = csv_rows(client.get(EXPORT, {"format": "csv"}))
    assert {row[0] for row in rows[1:]} <= {"B", "B1"}
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 404
    client.force_login(sam)
    rows = csv_rows(client.get(EXPORT, {"format": "csv"}))
    assert {row[0] for row in rows[1:]} == {"A1"}


# --- the admin of the thresholds ----------------------------------------------------------------
def test_only_county_staff_change_the_thresholds(client, alice, bob):
    row = HealthThreshold.objects.get(key="min_village_members")
    url = reverse("admin:assessments_healththreshold_change", args=[row.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 200  # township staff read them
    assert client.post(url, {"value": "8"}).status_code == 403
    row.refresh_from_db()
    assert row.value == 10
    client.force_login(alice)
    assert client.post(url, {"value": "8"}).status_code == 302
    row.refresh_from_db()
    assert row.value == 8
    assert row.history.latest().history_user == alice


def test_a_threshold_out_of_range_is_refused_with_a_chinese_message(client, alice):
    row = HealthThreshold.objects.get(key="young_age")
    url = reverse("admin:assessments_healththreshold_change", args=[row.pk])
    client.force_login(alice)
    response = client.post(url, {"value": "10"})
    assert response.status_code == 200
    assert "“无青年党员”的年龄线（周岁）：应在 18 到 80 之间。" in response.content.decode()
    row.refresh_from_db()
    assert row.value == 40


def test_secretaries_do_not_reach_the_thresholds(client, sam):
    row = HealthThreshold.objects.get(key="young_age")
    client.force_login(sam)
    url = reverse("admin:assessments_healththreshold_change", args=[row.pk])
    assert client.get(url).status_code == 302  # to the portal login: not admin staff
