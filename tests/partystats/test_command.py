"""`manage.py party_statistics`: the JSON deployers' scripts read, the workbook, errors."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import make_member

TODAY = timezone.localdate()
JSON_KEYS = {
    "total",
    "full",
    "probationary",
    "female",
    "minority",
    "college_or_above",
    "age_bands",
    "join_periods",
    "occupations",
    "developed",
    "organisations",
    "start_of_year_total",
}


def _json(**options) -> dict:
    out = io.StringIO()
    call_command("party_statistics", stdout=out, **options)
    return json.loads(out.getvalue())


def test_the_json_has_the_documented_keys_and_figures(tree):
    make_member(tree["A1"], female=True, ethnicity="03", job="student", birth="1985-01-01")
    make_member(
        tree["B1"],
        category="probationary",
        joined_on=datetime.date(TODAY.year, 1, 5),
        confirmed_on=None,
        education="high_school",
    )
    data = _json(org="C", as_of=TODAY.isoformat())
    assert set(data) >= JSON_KEYS
    assert data["total"] == 2
    assert (data["full"], data["probationary"]) == (1, 1)
    assert (data["female"], data["minority"], data["college_or_above"]) == (1, 1, 1)
    assert data["occupations"]["学生"] == 1
    assert sum(data["age_bands"].values()) == 2
    assert sum(data["join_periods"].values()) == 2
    assert data["developed"] == 1
    assert data["start_of_year_total"] == 1
    assert data["organisations"] == {"基层党委": 2, "党总支": 0, "党支部": 3}


def test_a_township_alone_equals_its_share(tree):
    make_member(tree["A1"])
    make_member(tree["B1"])
    assert _json(org="A", as_of=TODAY.isoformat())["total"] == 1


def test_the_workbook_is_written_to_the_file(tree, tmp_path):
    make_member(tree["A1"])
    target = tmp_path / "统计.xlsx"
    call_command("party_statistics", org="C", format="xlsx", out=str(target), stdout=io.StringIO())
    workbook = load_workbook(target)
    assert workbook["党员总体情况"]["B2"].value == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"org": "nope"}, "组织代码不存在"),
        ({"org": "C", "as_of": "2026/13/01"}, "YYYY-MM-DD"),
        ({"org": "C", "as_of": "1900-01-01"}, "之间"),
        ({"org": "C", "as_of": (TODAY + datetime.timedelta(days=1)).isoformat()}, "之间"),
        ({"org": "C", "format": "xlsx"}, "--out"),
    ],
)
def test_errors_are_said_in_chinese(tree, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("party_statistics", stdout=io.StringIO(), **options)


def test_a_wrong_occupation_table_stops_the_checks(settings):
    from partystats.checks import occupations_check

    assert occupations_check(None) == []
    settings.PARTY_STATISTICS_OCCUPATIONS = (("农牧渔民", ("farmer",)), ("其他", ("farmer",)))
    problems = [error.msg for error in occupations_check(None)]
    assert any("同时计入" in p for p in problems)
    assert any("学生" in p and "没有对应" in p for p in problems)
