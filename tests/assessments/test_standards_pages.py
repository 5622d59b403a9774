"""The 标准化规范化 pages, export and admin, each scoped (Charlie outside A; Sam and Leo
read only)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.choices import STANDARD_DIMENSIONS
from assessments.models import StandardDimension, StandardScoreSheet
from tests.assessments.test_standards import score, scores_for
from tests.factories import make_org

TODAY = timezone.localdate()
YEAR = TODAY.year
LIST = reverse("assessments:standards")
EXPORT = reverse("assessments:standards_export")


def login(client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


def sheet_url(code: str, year: int = YEAR) -> str:
    return reverse("assessments:standards_sheet", args=[code, year])


def post_data(total: str = "85", **overrides) -> dict[str, str]:
    data = {f"score_{code}": str(v) for code, v in scores_for(total).items()}
    data.update(assessed_on=TODAY.isoformat(), comment="")
    data.update(overrides)
    return data


@pytest.fixture
def sheets(alice, bob, charlie, sam, leo, tree):
    score(alice, tree["A1"], "78", year=YEAR - 1)
    return {
        "A1": score(alice, tree["A1"], "91.5"),
        "B1": score(alice, tree["B1"], "79.9", comment='=HYPERLINK("x")'),
    }


def test_the_county_sees_figures_townships_and_changes(client, sheets):
    login(client, "alice")
    response = client.get(LIST)
    assert response.status_code == 200
    text = response.content.decode()
    assert "测试县委" in text
    assert "甲镇党委" in text
    assert "乙镇党委" in text
    assert "比上年提高 13.5 分" in text
    assert "↑" in text
    assert "★★★★★" in text
    assert "5 星" in text
    assert "未达标" in text  # B1 at 79.9
    assert "50.0%" in text  # 1 达标 of 2 scored
    assert "甲二村支部" in text  # not yet scored


def test_bob_sees_only_township_a(client, sheets):
    login(client, "bob")
    text = client.get(LIST).content.decode()
    assert "甲一村支部" in text
    assert "乙一村支部" not in text


def test_another_subtree_is_not_found(client, sheets):
    login(client, "charlie")
    assert client.get(LIST, {"org": "A"}).status_code == 404
    assert client.get(sheet_url("A1")).status_code == 404
    assert client.post(sheet_url("A1"), post_data("50")).status_code == 404
    assert client.get(EXPORT, {"org": "A", "format": "csv"}).status_code == 404
    assert StandardScoreSheet.objects.get(organization__code="A1", year=YEAR).total == Decimal(
        "91.5"
    )


@pytest.mark.parametrize("username", ["sam", "leo"])
def test_secretaries_and_leaders_read_only(client, sheets, username):
    login(client, username)
    response = client.get(sheet_url("A1"))
    assert response.status_code == 200
    assert "91.5" in response.content.decode()
    assert "保存评分" not in response.content.decode()
    assert client.post(sheet_url("A1"), post_data("50")).status_code == 403
    assert StandardScoreSheet.objects.get(organization__code="A1", year=YEAR).total == Decimal(
        "91.5"
    )


def test_staff_enter_a_sheet(client, sheets):
    login(client, "bob")
    form = client.get(sheet_url("A2")).content.decode()
    assert 'max="15"' in form
    assert "满分 20 分" in form
    response = client.post(sheet_url("A2"), post_data("80"))
    assert response.status_code == 302
    sheet = StandardScoreSheet.objects.get(organization__code="A2", year=YEAR)
    assert sheet.total == Decimal("80")
    assert sheet.assessed_by.username == "bob"
    page = client.get(response.url).content.decode()
    assert "达标" in page
    assert "4 星" in page


def test_a_bad_sheet_names_the_dimension_and_saves_nothing(client, sheets):
    login(client, "bob")
    response = client.post(sheet_url("A2"), post_data("80", score_life="25"))
    assert response.status_code == 400
    assert "“组织生活”的得分应在 0 到 20 分之间。" in response.content.decode()
    response = client.post(sheet_url("A2"), post_data("80", score_venue=""))
    assert "请填写“阵地建设”的得分。" in response.content.decode()
    assert not StandardScoreSheet.objects.filter(organization__code="A2").exists()


def test_a_township_committee_is_not_scored(client, sheets):
    login(client, "bob")
    response = client.get(sheet_url("A"))
    assert "只有党支部" in response.content.decode()
    assert client.post(sheet_url("A"), post_data()).status_code == 403


def test_a_future_year_is_not_found(client, sheets):
    login(client, "bob")
    assert client.get(sheet_url("A1", YEAR + 1)).status_code == 404


def test_export_is_scoped_and_escapes_formulas(client, sheets):
    login(client, "alice")
    response = client.get(EXPORT, {"org": "C", "year": YEAR, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["组织代码", "组织名称", "组织类别", "年度"]
    assert len(rows[0]) == 4 + len(STANDARD_DIMENSIONS) + 7
    b1 = next(r for r in rows if r[0] == "B1")
    assert b1[-1] == '\'=HYPERLINK("x")'
    assert "未达标" in b1
    login(client, "bob")
    response = client.get(EXPORT, {"year": YEAR, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["A1"]


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, {"org": "C"}).status_code == 200
    return len(queries)


def test_the_list_queries_do_not_grow(client, alice, tree):
    login(client, "alice")
    for i in range(3):
        score(alice, make_org(tree["B"], code=f"B{i + 10}"), "85")
    few = list_queries(client)
    for i in range(17):
        score(alice, make_org(tree["A"], code=f"A{i + 10}"), "65")
        score(alice, make_org(tree["A"], code=f"AX{i}"), "90", year=YEAR - 1)
    assert list_queries(client) == few
    assert few <= 14


def dimension_changelist_post(rows: dict[str, int]) -> dict[str, str]:
    dims = list(StandardDimension.objects.order_by("position", "code"))
    data = {
        "form-TOTAL_FORMS": str(len(dims)),
        "form-INITIAL_FORMS": str(len(dims)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    for i, d in enumerate(dims):
        data[f"form-{i}-id"] = str(d.pk)
        data[f"form-{i}-name"] = d.name
        data[f"form-{i}-max_points"] = str(rows.get(d.code, d.max_points))
        data[f"form-{i}-position"] = str(d.position)
    return data


def test_dimension_points_change_together_or_not_at_all(client, alice, bob):
    url = reverse("admin:assessments_standarddimension_changelist")
    client.force_login(User.objects.get(username="alice"))
    alice_user = User.objects.get(username="alice")
    if not alice_user.is_staff:
        User.objects.filter(pk=alice_user.pk).update(is_staff=True)
        client.force_login(User.objects.get(pk=alice_user.pk))
    response = client.post(url, dimension_changelist_post({"setup": 20}))
    assert "各评分项满分之和须为 100 分，修改后为 105 分" in response.content.decode()
    assert StandardDimension.objects.get(code="setup").max_points == 15
    response = client.post(url, dimension_changelist_post({"setup": 20, "venue": 5}))
    assert response.status_code == 302
    assert StandardDimension.objects.get(code="setup").max_points == 20
    assert StandardDimension.objects.get(code="setup").history.latest().history_user == alice_user


def test_township_staff_cannot_change_dimensions(client, bob):
    user = User.objects.get(username="bob")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=user.pk))
    url = reverse("admin:assessments_standarddimension_changelist")
    client.post(url, dimension_changelist_post({"setup": 20, "venue": 5}))
    assert StandardDimension.objects.get(code="setup").max_points == 15
