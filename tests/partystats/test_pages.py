"""The statistics pages: what staff and leaders see, scope, who is behind a figure, bad
input, the workbook."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import make_member

TODAY = timezone.localdate()
URL = "/statistics/"
PEOPLE = "/statistics/people/"
EXPORT = "/statistics/export/"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def roster(tree):
    """Two members in 甲一村, one woman in 乙一村, one admitted this year in 甲二村."""
    make_member(tree["A1"], name="张甲一")
    make_member(tree["A1"], name="李甲二")
    make_member(tree["B1"], name="王乙一", female=True)
    make_member(
        tree["A2"],
        name="赵新人",
        category="probationary",
        joined_on=datetime.date(TODAY.year, 1, 2),
        confirmed_on=None,
        birth="1998-03-04",
    )
    return tree


def test_staff_see_the_tables_and_the_summary_of_their_county(client, alice, roster):
    client.force_login(alice)
    response = client.get(URL, {"org": "C", "as_of": TODAY.isoformat()})
    assert response.status_code == 200
    text = _text(response)
    assert "测试县委党内统计" in text
    assert "全县共有党员4名" in text
    assert f"{TODAY.year}年以来发展党员1名" in text
    # a column per township, headed by its short name
    assert ">甲镇<" in text
    assert ">乙镇<" in text


def test_a_figure_opens_the_list_of_the_people_it_counts(client, alice, roster):
    client.force_login(alice)
    response = client.get(
        PEOPLE,
        {
            "org": "C",
            "as_of": TODAY.isoformat(),
            "table": "overview",
            "line": "total",
            "column": "A",
        },
    )
    text = _text(response)
    assert response.status_code == 200
    assert "张甲一" in text
    assert "李甲二" in text
    assert "赵新人" in text
    assert "王乙一" not in text
    female = _text(
        client.get(
            PEOPLE, {"org": "C", "as_of": TODAY.isoformat(), "table": "overview", "line": "female"}
        )
    )
    assert "王乙一" in female
    assert "张甲一" not in female


def test_the_page_links_each_figure_to_its_list(client, alice, roster):
    client.force_login(alice)
    text = _text(client.get(URL, {"org": "C", "as_of": TODAY.isoformat()}))
    assert "table=overview&amp;line=total&amp;column=A" in text


def test_leaders_see_the_statistics(client, leo, roster):
    client.force_login(leo)
    assert client.get(URL).status_code == 200


def test_secretaries_are_refused(client, sam, roster, quiet_request_log):
    client.force_login(sam)
    response = client.get(URL)
    assert response.status_code == 403
    assert "无权查看此内容" in response.content.decode()
    assert client.get(EXPORT).status_code == 403
    assert client.get(PEOPLE, {"table": "overview", "line": "total"}).status_code == 403


def test_a_township_sees_only_its_own_statistics(client, bob, roster, quiet_request_log):
    client.force_login(bob)
    own = _text(client.get(URL))
    assert "甲镇党委党内统计" in own
    assert "共有党员3名" in own
    for url, params in (
        (URL, {"org": "B"}),
        (URL, {"org": "C"}),
        (EXPORT, {"org": "B"}),
        (PEOPLE, {"org": "C", "table": "overview", "line": "total"}),
        (PEOPLE, {"org": "B1", "table": "overview", "line": "female"}),
    ):
        assert client.get(url, params).status_code == 404, (url, params)
    # a column of another township cannot be asked for through one's own organisation
    response = client.get(
        PEOPLE, {"org": "A", "table": "overview", "line": "total", "column": "B1"}
    )
    assert response.status_code == 404
    assert "王乙一" not in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": "2026-13-45"},
        {"as_of": "明天"},
        {"as_of": "1900-01-01"},
        {"as_of": (TODAY + datetime.timedelta(days=1)).isoformat()},
        {"as_of": "9999-12-31"},
        {"org": "nope"},
        {"org": "C", "as_of": "2026-01-01\x00"},
    ],
)
def test_bad_input_never_breaks_the_page(client, alice, roster, params, quiet_request_log):
    client.force_login(alice)
    response = client.get(URL, params)
    assert response.status_code in (200, 404)
    if params.get("org") != "nope":
        text = _text(response)
        assert response.status_code == 200
        assert "已按" in text
        assert "统计" in text


@pytest.mark.parametrize(
    "params",
    [
        {"table": "nope", "line": "total"},
        {"table": "overview", "line": "nope"},
        {"table": "overview", "line": "total", "column": "nope"},
        {"table": "change", "line": "start"},
        {"table": "", "line": ""},
        {"table": "overview", "line": "total", "page": "abc"},
        {"table": "overview", "line": "total", "page": "99999"},
    ],
)
def test_bad_cells_are_not_found(client, alice, roster, params, quiet_request_log):
    client.force_login(alice)
    response = client.get(PEOPLE, {"org": "C", **params})
    assert response.status_code in (200, 404)


def test_the_future_is_refused_with_a_message(client, alice, roster):
    client.force_login(alice)
    tomorrow = TODAY + datetime.timedelta(days=1)
    text = _text(client.get(URL, {"as_of": tomorrow.isoformat()}))
    assert "不能晚于今天" in text


def test_the_workbook_has_a_sheet_per_table_with_numbers_that_sum(client, alice, roster):
    client.force_login(alice)
    response = client.get(EXPORT, {"org": "C", "as_of": TODAY.isoformat()})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert "党员总体情况" in workbook.sheetnames
    assert "年龄" in workbook.sheetnames
    sheet = workbook["年龄"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:2] == ["项目", "合计"]
    assert "甲镇党委" in headers
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2) if row[0].value]
    for row in rows:
        figures = row[1:]
        if all(isinstance(v, int) for v in figures):
            assert figures[0] == sum(figures[1:]), row
    assert sum(row[1] for row in rows if isinstance(row[1], int)) == 4


def test_the_page_has_a_bounded_number_of_queries(
    client, alice, roster, tree, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(40):
        client.get(URL, {"org": "C"})
    for _index in range(6):
        make_member(tree["B1"], name="孙多人")
    with django_assert_max_num_queries(40):
        client.get(URL, {"org": "C"})
