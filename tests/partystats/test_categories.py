"""The categories of the party statistics: who lands in which line, on the as-of day."""

from __future__ import annotations

import datetime

import pytest

from members.services.roster import member_update
from partystats.categories import OCCUPATIONS, check_occupations
from partystats.selectors import PartyStatistics, party_statistics
from tests.factories import make_member, make_user

DAY = datetime.date(2026, 6, 30)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def line_by_label(stats: PartyStatistics, table: str, label: str):
    return next(line for line in stats.table(table).lines if line.label == label)


def figures(stats: PartyStatistics, table: str, label: str) -> tuple[int | None, int | None]:
    """(the line's total, its cell in the column of 甲镇党委)."""
    line = line_by_label(stats, table, label)
    column = [c.name for c in stats.columns].index("甲镇党委")
    return line.total, line.cells[column]


def counted_in(stats: PartyStatistics, table: str) -> list[str]:
    """The labels of the lines of `table` with a figure."""
    return [line.label for line in stats.table(table).lines if line.total]


@pytest.fixture
def village(tree):
    return tree["A1"]


@pytest.mark.parametrize(
    ("birth", "as_of", "band"),
    [
        ("1995-06-30", "2026-06-29", "30岁及以下"),
        ("1995-06-30", "2026-06-30", "31至35岁"),  # turns 31 that day
        ("1965-06-30", "2026-06-29", "56至60岁"),
        ("1965-06-30", "2026-06-30", "61岁及以上"),  # turns 61 that day
        # Born on 29 February: 31 from 1 March in a common year, not on 28 February.
        ("1992-02-29", "2023-02-28", "30岁及以下"),
        ("1992-02-29", "2023-03-01", "31至35岁"),
        ("1992-02-29", "2024-02-29", "31至35岁"),  # turns 32 that day
        ("1993-02-28", "2024-02-29", "31至35岁"),
        ("1993-03-01", "2024-02-29", "30岁及以下"),
    ],
)
def test_age_is_whole_years_on_the_as_of_day(county, village, birth, as_of, band):
    make_member(village, birth=birth, joined_on=day("2020-07-01"), confirmed_on=day("2021-07-01"))
    stats = party_statistics(county, day(as_of))
    assert counted_in(stats, "age_bands") == [band]
    assert figures(stats, "age_bands", band) == (1, 1)


@pytest.mark.parametrize(
    ("joined", "period"),
    [
        ("1978-12-17", "粉碎“四人帮”至党的十一届三中全会前"),
        ("1978-12-18", "党的十一届三中全会后至党的十六大前"),  # the Plenum opened that day
        ("2002-11-07", "党的十一届三中全会后至党的十六大前"),
        ("2002-11-08", "党的十六大后至党的十八大前"),
        ("2012-11-07", "党的十六大后至党的十八大前"),
        ("2012-11-08", "党的十八大以来"),
    ],
)
def test_join_period_begins_on_the_day_of_its_event(county, village, joined, period):
    joined_on = day(joined)
    make_member(
        village,
        birth="1950-01-01",
        joined_on=joined_on,
        confirmed_on=joined_on + datetime.timedelta(days=400),
    )
    stats = party_statistics(county, DAY)
    assert counted_in(stats, "join_periods") == [period]
    assert figures(stats, "join_periods", period) == (1, 1)


EDUCATION = [
    ("postgraduate", "研究生", True),
    ("bachelor", "大学本科", True),
    ("junior_college", "大学专科", True),
    ("secondary_vocational", "中等专科", False),
    ("high_school", "高中", False),
    ("junior_or_below", "初中及以下", False),
]


@pytest.mark.parametrize(("education", "label", "college"), EDUCATION)
def test_each_education_has_its_line(county, village, education, label, college):
    make_member(village, education=education)
    stats = party_statistics(county, DAY)
    assert counted_in(stats, "education") == [label]
    assert figures(stats, "education", label) == (1, 1)
    assert figures(stats, "overview", "大专及以上学历") == ((1, 1) if college else (0, 0))


def test_college_or_above_counts_junior_college_bachelor_and_postgraduate(county, village):
    for education, _label, _college in EDUCATION:
        make_member(village, education=education)
    stats = party_statistics(county, DAY)
    assert figures(stats, "overview", "党员总数") == (6, 6)
    assert figures(stats, "overview", "大专及以上学历") == (3, 3)
    assert [line.total for line in stats.table("education").lines] == [1] * 6


@pytest.mark.parametrize(
    ("job", "occupation"),
    [
        ("worker", "工人（工勤技能人员）"),
        ("farmer", "农牧渔民"),
        ("professional", "企事业单位/民办非企业单位专业技术人员"),
        ("manager", "企事业单位/民办非企业单位管理人员"),
        ("civil_servant", "党政机关工作人员"),
        ("student", "学生"),
        ("other", "其他职业人员"),
        ("retired", "离退休人员"),
    ],
)
def test_each_job_counts_in_its_occupation(county, village, job, occupation):
    make_member(village, job=job)
    stats = party_statistics(county, DAY)
    assert counted_in(stats, "occupations") == [occupation]
    assert figures(stats, "occupations", occupation) == (1, 1)


def test_a_member_is_probationary_until_the_confirmation_day(county, village):
    make_member(
        village,
        birth="1990-01-01",
        joined_on=day("2025-02-01"),
        confirmed_on=day("2026-03-01"),
    )
    make_member(
        village,
        birth="1990-01-01",
        joined_on=day("2025-10-01"),
        category="probationary",
        confirmed_on=None,
    )
    before = party_statistics(county, day("2026-02-28"))
    assert figures(before, "overview", "正式党员") == (0, 0)
    assert figures(before, "overview", "预备党员") == (2, 2)
    on_the_day = party_statistics(county, day("2026-03-01"))
    assert figures(on_the_day, "overview", "正式党员") == (1, 1)
    assert figures(on_the_day, "overview", "预备党员") == (1, 1)


def test_a_member_who_left_later_still_counts_and_one_gone_before_does_not(county, village):
    staff = make_user("staff", county, "staff")
    make_member(village)
    for died_on in (day("2026-03-01"), day("2026-09-01")):
        member = make_member(village)
        member.status = "deceased"
        member.status_changed_on = died_on
        member_update(user=staff, member=member, reason="去世")
    stats = party_statistics(county, DAY)
    # the one alive and the one who died after the as-of day
    assert figures(stats, "overview", "党员总数") == (2, 2)
    assert figures(party_statistics(county, day("2026-12-01")), "overview", "党员总数") == (1, 1)


def test_a_member_admitted_after_the_as_of_day_is_not_counted(county, village):
    make_member(village)
    make_member(
        village,
        birth="1990-01-01",
        joined_on=day("2026-07-01"),
        category="probationary",
        confirmed_on=None,
    )
    assert figures(party_statistics(county, DAY), "overview", "党员总数") == (1, 1)
    on_the_day = party_statistics(county, day("2026-07-01"))
    assert figures(on_the_day, "overview", "党员总数") == (2, 2)
    assert figures(on_the_day, "overview", "预备党员") == (1, 1)


def test_female_and_minority_members(county, village):
    make_member(village)
    make_member(village, female=True)
    make_member(village, ethnicity="03")
    make_member(village, female=True, ethnicity="03")
    stats = party_statistics(county, DAY)
    assert figures(stats, "overview", "党员总数") == (4, 4)
    assert figures(stats, "overview", "女党员") == (2, 2)
    assert figures(stats, "overview", "少数民族党员") == (2, 2)


def test_the_occupation_table_covers_every_job_once_and_names_a_missing_one():
    assert check_occupations(OCCUPATIONS) == []

    without_students = tuple(row for row in OCCUPATIONS if row[0] != "学生")
    assert check_occupations(without_students) == ["工作岗位“学生”没有对应的统计职业"]


def test_a_job_counted_in_two_occupations_is_named_as_the_roster_shows_it():
    farmers_twice = (*OCCUPATIONS, ("其他", ("farmer",)))
    [problem] = check_occupations(farmers_twice)
    # The message names the 工作岗位 as the roster shows it, like the one for a missing value.
    assert problem == "工作岗位“农牧渔民”同时计入“农牧渔民”和“其他”"
