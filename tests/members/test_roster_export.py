"""Exporting the roster from the portal (/members/export/) and the export log page."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.identity import mask_id_number
from portal.models import ExportChannel, ExportLog
from tests.factories import make_member

URL = reverse("members:export")
LOG_URL = reverse("members:export_log")


def grant_full_view(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))


def xlsx_rows(response) -> list[dict[str, str]]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def roster(tree):
    return {
        "A1": make_member(tree["A1"], seq=31, name="张一"),
        "A2": make_member(tree["A2"], seq=32, name="李二"),
        "B1": make_member(tree["B1"], seq=33, name="钱五"),
    }


def test_staff_export_their_scope_masked_and_the_export_is_logged(client, bob, roster):
    client.force_login(bob)
    response = client.get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="members-all-{today}.xlsx"'
    rows = xlsx_rows(response)
    assert sorted(row["姓名"] for row in rows) == ["张一", "李二"]
    numbers = {row["公民身份号码"] for row in rows}
    assert mask_id_number(roster["A1"].id_number) in numbers
    assert roster["A1"].id_number not in numbers
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.rows, log.unmasked) == (bob, "members", 2, False)
    assert (log.channel, log.file_format, log.organization) == (ExportChannel.PAGE, "xlsx", None)


def test_the_organisation_filter_limits_the_export_and_names_the_file(client, bob, roster, tree):
    client.force_login(bob)
    response = client.get(URL, {"format": "xlsx", "org": "A1"})
    assert [row["姓名"] for row in xlsx_rows(response)] == ["张一"]
    assert "members-A1-" in response["Content-Disposition"]
    log = ExportLog.objects.get()
    assert log.organization == tree["A1"]
    assert log.rows == 1
    assert "甲一村支部" in log.scope_label


def test_the_other_filters_narrow_the_export_and_are_logged(client, bob, roster, tree):
    make_member(tree["A2"], seq=34, name="周三", female=True)
    client.force_login(bob)
    response = client.get(URL, {"format": "xlsx", "gender": "F"})
    assert [row["姓名"] for row in xlsx_rows(response)] == ["周三"]
    log = ExportLog.objects.get()
    assert log.rows == 1
    assert "性别：女" in log.scope_label


def test_holders_of_the_permission_export_full_numbers_and_it_is_logged(client, bob, roster):
    grant_full_view(bob)
    client.force_login(bob)
    rows = xlsx_rows(client.get(URL, {"format": "xlsx", "org": "A1"}))
    assert rows[0]["公民身份号码"] == roster["A1"].id_number
    assert ExportLog.objects.get().unmasked is True


def test_it_exports_csv(client, bob, roster):
    client.force_login(bob)
    response = client.get(URL, {"format": "csv"})
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8-sig")
    assert "张一" in text
    assert roster["A1"].id_number not in text
    assert ExportLog.objects.get().file_format == "csv"


def test_an_outsider_cannot_export_township_a(client, charlie, roster):
    client.force_login(charlie)
    assert client.get(URL, {"format": "xlsx", "org": "A"}).status_code == 404
    assert not ExportLog.objects.exists()
    rows = xlsx_rows(client.get(URL, {"format": "xlsx"}))
    assert [row["姓名"] for row in rows] == ["钱五"]


@pytest.mark.parametrize(
    ("reader", "expected"), [("sam", ["张一"]), ("leo", ["张一", "李二", "钱五"])]
)
def test_read_only_roles_export_what_they_may_read(client, request, roster, reader, expected):
    user = request.getfixturevalue(reader)
    client.force_login(user)
    rows = xlsx_rows(client.get(URL, {"format": "xlsx"}))
    assert sorted(row["姓名"] for row in rows) == sorted(expected)
    assert ExportLog.objects.get().user == user


def test_an_unknown_format_is_404(client, bob, roster):
    client.force_login(bob)
    assert client.get(URL, {"format": "pdf"}).status_code == 404
    assert not ExportLog.objects.exists()


def test_the_list_page_links_the_export_with_its_filters(client, bob, roster):
    client.force_login(bob)
    content = client.get(reverse("members:list"), {"org": "A1", "sort": "age"}).content.decode()
    assert f"{URL}?org=A1" in content
    assert "format=xlsx" in content
    assert "符合当前筛选条件" in content


# --- the export log page -----------------------------------------------------------------


def test_staff_see_the_exports_of_their_subtree(client, bob, charlie, roster):
    client.force_login(bob)
    client.get(URL, {"format": "xlsx", "org": "A1"})
    client.force_login(charlie)
    client.get(URL, {"format": "xlsx", "org": "B1"})

    client.force_login(bob)
    response = client.get(LOG_URL)
    assert response.status_code == 200
    logs = [log for log, _label in response.context["rows"]]
    assert [log.user for log in logs] == [bob]
    content = response.content.decode()
    assert "甲一村支部" in content
    assert "乙一村支部" not in content
    assert "已脱敏" in content
    assert "门户页面" in content


def test_county_staff_see_every_export_including_whole_scope_ones(client, alice, bob, roster):
    client.force_login(bob)
    client.get(URL, {"format": "xlsx", "org": "A"})
    client.force_login(alice)
    client.get(URL, {"format": "csv"})
    response = client.get(LOG_URL)
    assert len(response.context["rows"]) == 2


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_the_export_log_is_for_staff_only(client, request, roster, reader):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(LOG_URL).status_code == 403


def test_the_export_log_is_paginated(client, alice, roster, django_assert_max_num_queries):
    for _ in range(51):
        ExportLog.objects.create(
            user=alice,
            kind="members",
            scope_label="全部",
            rows=3,
            channel="page",
            file_format="xlsx",
        )
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        first = client.get(LOG_URL)
    assert len(first.context["rows"]) == 50
    assert len(client.get(LOG_URL, {"page": 2}).context["rows"]) == 1
