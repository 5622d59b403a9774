"""`manage.py org_health`: the text report and the JSON contract."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_member, make_org


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("org_health", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def small_tree(tree):
    # A1: 2 members, no woman, no secretary; B1 is the other township's village.
    make_member(tree["A1"])
    make_member(tree["A1"])
    return tree


def test_it_prints_json_objects_with_the_contract_keys(small_tree):
    rows = json.loads(run("--org", "A", "--json", "--date", "2025-05-15"))
    assert rows, "A1 has findings"
    for row in rows:
        assert {"code", "name", "rule", "message", "severity"} <= set(row)
        assert row["severity"] in {"danger", "warning", "info"}
    a1 = {row["rule"]: row for row in rows if row["code"] == "A1"}
    assert a1["fewer_than_10_members"]["message"] == "党员 2 名，少于 10 名。"
    assert a1["fewer_than_10_members"]["name"] == "甲一村支部"
    assert "no_female_member" in a1
    assert "secretary_vacant" in a1
    # Only the subtree asked about.
    assert {row["code"] for row in rows} <= {"A", "A1", "A2"}


def test_the_json_is_utf8_not_escaped(small_tree):
    out = run("--org", "A1", "--json")
    assert "党员 2 名" in out
    assert "\\u" not in out


def test_the_text_report_groups_findings_by_rule(small_tree):
    out = run("--org", "C", "--date", "2025-05-15")
    assert out.splitlines()[0].startswith("测试县委（C）及下级：共 ")
    assert "村（社区）党员过少（fewer_than_10_members）：3 项" in out
    assert "  [提醒] 甲一村支部（A1）：党员 2 名，少于 10 名。" in out


def test_an_organisation_without_findings_gives_an_empty_list(db):
    # A county committee: a 基层党委 of no members would be committee_under_100.
    make_org(code="OK", level="county", domain="other", kind="committee", secretary_name="王")
    assert json.loads(run("--org", "OK", "--json")) == []


def test_an_unknown_organisation_is_a_chinese_error(db):
    with pytest.raises(CommandError, match="组织代码不存在：NOPE"):
        run("--org", "NOPE")


def test_a_bad_date_is_a_chinese_error(small_tree):
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        run("--org", "A", "--date", "15/05/2025")
