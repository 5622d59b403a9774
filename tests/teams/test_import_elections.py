"""Importing 换届选举: key (组织代码, 选举日期), Election.clean()'s rules reported under
their columns, saved through the elections service (the term follows the latest approved
election), the importer's scope, all-or-nothing, idempotent."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.importing import run_import
from core.registry import get_kind
from core.tables import read_table
from orgs.models import Organization
from teams.models import Election
from teams.resources import ElectionResource
from tests.factories import make_org
from tests.helpers import xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = [
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
TODAY = timezone.localdate()


def row(org: str = "A1", **overrides) -> dict[str, str]:
    values = {
        "组织代码": org,
        "届次": "第十届",
        "选举日期": "2021-04-01",
        "应到人数": "30",
        "实到人数": "28",
        "选举方式": "差额",
        "候选人数": "6",
        "应选人数": "5",
        "批复日期": "2021-04-10",
    }
    values.update(overrides)
    return values


def do_import(rows, user=None, headers=None):
    dataset = read_table(xlsx_bytes(rows, headers or HEADERS), "elections.xlsx")
    return run_import(ElectionResource(user=user, source="elections.xlsx"), dataset)


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


def term_start(org: Organization) -> datetime.date | None:
    return Organization.objects.get(pk=org.pk).term_started_on


def test_the_table_is_registered_without_personal_data():
    kind = get_kind("elections")
    assert (kind.label, kind.resource, kind.personal) == ("换届选举", ElectionResource, False)


def test_a_file_imports_and_the_same_file_again_changes_nothing(bob, tree):
    rows = [row(), row("A2", 选举方式="等额", 候选人数="5", 批复日期="")]
    report = do_import(rows, user=bob)
    assert report.ok, messages(report)
    assert report.new == 2
    election = Election.objects.get(organization=tree["A1"])
    assert (election.session, election.held_on, election.method) == (
        "第十届",
        datetime.date(2021, 4, 1),
        "competitive",
    )
    assert (election.expected, election.present, election.candidates, election.seats) == (
        30,
        28,
        6,
        5,
    )
    assert election.history.first().history_user == bob
    history = Election.history.count()

    again = do_import(rows, user=bob)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert Election.history.count() == history


def test_an_approved_election_starts_the_term(bob, tree):
    village = tree["A2"]
    assert do_import([row("A2", 批复日期="")], user=bob).ok
    assert term_start(village) is None  # held, not yet approved

    report = do_import([row("A2", 批复日期="2021-04-20")], user=bob)
    assert (report.ok, report.updated) == (True, 1)
    assert term_start(village) == datetime.date(2021, 4, 1)

    # An older approved election does not take the term back.
    assert do_import([row("A2", 选举日期="2016-04-01", 批复日期="2016-04-15")], user=bob).ok
    assert term_start(village) == datetime.date(2021, 4, 1)


def test_the_dictionarys_rules_are_reported_under_their_columns(bob, tree):
    make_org(tree["A"], code="A9", name="甲镇园区党工委", kind="working_committee", level="other")
    report = do_import(
        [
            row("A1", 实到人数="31"),
            row("A2", 实到人数="15"),
            row("A1", 选举日期="2016-04-01", 候选人数="5", 批复日期="2016-04-01"),
            row("A2", 选举日期="2016-04-01", 批复日期="2016-03-01"),
            row("A9"),
            row("A1", 选举日期=(TODAY + datetime.timedelta(days=1)).isoformat(), 批复日期=""),
            row("A1", 选举日期="2011-04-01", 应到人数="三十", 选举方式="选举"),
        ],
        user=bob,
    )
    assert messages(report) == [
        "第2行 [实到人数] 实到人数不能多于应到人数。",
        "第3行 [实到人数] 实到人数须超过应到人数的一半，选举才有效。",
        "第4行 [候选人数] 差额选举的候选人数应多于应选人数。",
        "第5行 [批复日期] 批复日期不能早于选举日期。",
        "第6行 [组织代码] 党工委不实行选举，不能登记换届选举。",
        "第7行 [选举日期] 不能晚于今天。",
        "第8行 [应到人数] “三十”不是整数。",
        "第8行 [选举方式] “选举”不是可选值，只能填写：差额、等额。",
    ]
    assert not Election.objects.exists()  # all or nothing
    assert term_start(tree["A1"]) is None


def test_an_outsiders_rows_are_refused(charlie, tree):
    report = do_import([row("A1")], user=charlie)
    assert messages(report) == ["第2行 [组织代码] 组织“A1”不在您的管辖范围内。"]
    assert not Election.objects.exists()
    assert term_start(tree["A1"]) is None


def test_headers_and_values_as_offices_write_them(bob, tree):
    headers = [
        "党组织",
        "届别",
        "换届日期",
        "应到会人数",
        "实到会人数",
        "选举办法",
        "正式候选人数",
        "应选名额",
        "上级批复日期",
    ]
    values = ["甲一村支部", "第十届", "2021.4.1", "30", "28", "差额选举", "6", "5", "2021/4/10"]
    report = do_import([dict(zip(headers, values, strict=True))], user=bob, headers=headers)
    assert report.ok, messages(report)
    assert Election.objects.get().method == "competitive"
    assert term_start(tree["A1"]) == datetime.date(2021, 4, 1)
