"""The statistics add up: a line's total is the sum of its columns, a township counted alone
has the figures of its column in the county's table, and the number of queries does not
grow with the tree."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.services.roster import member_update
from members.services.transfers import transfer_accept, transfer_request
from orgs.models import Organization
from partystats.selectors import PartyStatistics, party_statistics
from tests.factories import make_member, make_org, make_user

DAY = datetime.date(2026, 6, 30)

BIRTHS = ("1950-03-01", "1962-07-15", "1975-11-30", "1988-02-29", "1996-06-30", "2000-01-01")
EDUCATIONS = ("postgraduate", "bachelor", "junior_college", "high_school", "junior_or_below")
JOBS = ("worker", "farmer", "professional", "retired", "student", "other")


def column_of(stats: PartyStatistics, org: Organization) -> int:
    return [c.path for c in stats.columns].index(org.path)


def members_of(org: Organization, count: int, start: int = 0) -> list:
    """`count` members of `org`, their categories varied; admitted between 1975 and 2024."""
    made = []
    for i in range(start, start + count):
        birth = BIRTHS[i % len(BIRTHS)]
        joined = max(datetime.date.fromisoformat(birth).year + 20, 1975 + i % 50)
        joined_on = datetime.date(min(joined, 2024), 7, 1)
        made.append(
            make_member(
                org,
                birth=birth,
                female=i % 3 == 0,
                ethnicity="03" if i % 4 == 0 else "01",
                education=EDUCATIONS[i % len(EDUCATIONS)],
                job=JOBS[i % len(JOBS)],
                joined_on=joined_on,
                confirmed_on=joined_on + datetime.timedelta(days=400),
            )
        )
    return made


def move(staff, member, to: Organization, on: datetime.date) -> None:
    transfer = transfer_request(
        user=staff, member=member, reason="工作调动", on=on, to_organization=to
    )
    transfer_accept(user=staff, transfer=transfer, on=on)


def die(staff, member, on: datetime.date) -> None:
    member.refresh_from_db()
    member.status = "deceased"
    member.status_changed_on = on
    member_update(user=staff, member=member, reason="去世")


def year_of_changes(staff, orgs: dict[str, Organization], people: dict[str, list]) -> None:
    """Admissions, a confirmation, deaths, a transfer out of the county and moves inside it,
    before and after the as-of day."""
    for code, joined in (("A1", "2026-03-01"), ("B1", "2026-05-20"), ("C", "2026-08-01")):
        make_member(
            orgs[code],
            birth="1999-09-09",
            female=True,
            education="bachelor",
            job="student",
            joined_on=datetime.date.fromisoformat(joined),
            category="probationary",
            confirmed_on=None,
        )
    make_member(
        orgs["A2"],
        birth="1990-04-04",
        joined_on=datetime.date(2025, 3, 1),
        confirmed_on=datetime.date(2026, 4, 1),
    )
    a1, a2, b1 = people["A1"], people["A2"], people["B1"]
    die(staff, a1[0], datetime.date(2026, 2, 1))
    die(staff, b1[0], datetime.date(2026, 9, 1))  # after the as-of day
    transfer_request(
        user=staff,
        member=b1[1],
        reason="外出工作",
        on=datetime.date(2026, 4, 1),
        destination="某地党委",
    )
    move(staff, a2[0], orgs["B1"], datetime.date(2026, 2, 10))  # between townships
    move(staff, a1[1], orgs["A2"], datetime.date(2026, 3, 5))  # inside township A
    move(staff, a1[2], orgs["B1"], datetime.date(2026, 9, 1))  # after the as-of day


@pytest.fixture
def staff(county):
    return make_user("staff", county, "staff")


@pytest.fixture
def county_with_members(tree, staff):
    """The county committee holds two members itself; townships A (A1, A2) and B (B1) hold
    the rest; A records 3 administrative villages, B 1."""
    people = {
        "C": members_of(tree["C"], 2),
        "A1": members_of(tree["A1"], 6, 10),
        "A2": members_of(tree["A2"], 5, 20),
        "B1": members_of(tree["B1"], 6, 30),
    }
    for code, villages in (("A", 3), ("B", 1)):
        tree[code].villages_count = villages
        tree[code].save()
    year_of_changes(staff, tree, people)
    return tree


def figured_lines(stats: PartyStatistics):
    """(table key, line) of every line with figures: not those the portal does not hold."""
    for table in stats.tables:
        for line in table.lines:
            if not line.missing:
                yield table.key, line


# A move inside the subtree is counted out of one column and into another, not in the total.
MOVES = ("transferred_in", "transferred_out")
#: lines whose total is not the sum of the cells: the number of places is 未录入 (None) when
#: one township has not said, and the moves above
NOT_SUMS = {
    ("coverage", "villages-total"),
    ("coverage", "communities-total"),
    *(("change", key) for key in MOVES),
}


def test_every_total_is_the_sum_of_its_columns(county_with_members):
    tree = county_with_members
    for org in (tree["C"], tree["A"], tree["B"]):
        stats = party_statistics(org, DAY)
        assert stats.columns[-1].own, "the organisation's own records (本级) have a column"
        for table, line in figured_lines(stats):
            if (table, line.key) in NOT_SUMS:
                continue
            assert line.total == sum(line.cells), (org.code, table, line.key, line.label)
        change = stats.table("change")
        moved_in, moved_out = (change.line(key) for key in MOVES)
        assert sum(moved_in.cells) - moved_in.total == sum(moved_out.cells) - moved_out.total


def test_the_county_moves_between_townships_balance(county_with_members):
    change = party_statistics(county_with_members["C"], DAY).table("change")
    moved_in, moved_out = (change.line(key) for key in MOVES)
    # one move between townships before the as-of day; one transfer out of the county
    assert (moved_in.total, sum(moved_in.cells)) == (0, 1)
    assert (moved_out.total, sum(moved_out.cells)) == (1, 2)


def test_a_township_alone_has_the_figures_of_its_column(county_with_members):
    tree = county_with_members
    county = party_statistics(tree["C"], DAY)
    for code in ("A", "B"):
        township = party_statistics(tree[code], DAY)
        column = column_of(county, tree[code])
        for table, line in figured_lines(township):
            in_county = county.table(table).line(line.key).cells[column]
            assert line.total == in_county, (code, table, line.key, line.label)


def test_the_township_of_a_member_is_where_they_were_on_the_day(county_with_members):
    tree = county_with_members
    county = party_statistics(tree["C"], DAY)
    total = county.table("overview").line("total")
    # A: 6 + 5 − 1 died − 1 moved to B + 1 admitted (the one moving in September still
    # counts); B: 6 − 1 out of the county + 1 moved in + 1 admitted (one dies in September,
    # still counted); 本级: 2 (the one admitted in August is not yet a member); A2's
    # confirmation is of a member admitted in 2025.
    by_column = dict(zip([c.name for c in county.columns], total.cells, strict=True))
    assert by_column == {"甲镇党委": 11, "乙镇党委": 7, "本级": 2}
    assert total.total == 20


# --- queries --------------------------------------------------------------------------------
def small_county(staff, county) -> dict[str, Organization]:
    town = make_org(county, kind="committee", level="township")
    village = make_org(town, kind="branch", level="village")
    other = make_org(town, kind="branch", level="village")
    people = members_of(village, 3)
    move(staff, people[0], other, datetime.date(2026, 3, 1))
    die(staff, people[1], datetime.date(2026, 4, 1))
    return {"town": town, "village": village, "other": other}


def test_the_number_of_queries_does_not_grow_with_the_tree(
    county, staff, django_assert_max_num_queries
):
    small_county(staff, county)
    with CaptureQueriesContext(connection) as small:
        party_statistics(county, DAY)
    measured = len(small.captured_queries)
    assert measured <= 20

    for _ in range(3):
        orgs = small_county(staff, county)
        members_of(orgs["village"], 10)
        members_of(orgs["other"], 10)
        make_member(
            orgs["village"],
            birth="1999-09-09",
            joined_on=datetime.date(2026, 2, 1),
            category="probationary",
            confirmed_on=None,
        )
    members_of(county, 3)
    with django_assert_max_num_queries(measured):
        stats = party_statistics(county, DAY)
    assert len(stats.columns) == 5  # four townships and 本级
    assert stats.table("overview").line("total").total == 4 * 2 + 3 * 21 + 3


# --- organisations and coverage ---------------------------------------------------------------
def test_basic_committees_are_the_townships_not_the_county(tree):
    stats = party_statistics(tree["C"], DAY)
    organisations = stats.table("organisations")
    assert [c.name for c in stats.columns] == ["甲镇党委", "乙镇党委"]
    committees = organisations.line("committees")
    assert (committees.label, committees.total, committees.cells) == ("基层党委", 2, [1, 1])
    branches = organisations.line("branches")
    assert (branches.total, branches.cells) == (3, [2, 1])
    basic = organisations.line("basic")
    assert (basic.label, basic.total, basic.cells) == ("基层党组织", 5, [3, 2])


def test_coverage_of_administrative_villages(tree):
    tree["A"].villages_count = 3
    tree["A"].save()
    tree["B"].villages_count = 1
    tree["B"].save()
    coverage = party_statistics(tree["C"], DAY).table("coverage")
    total, covered = coverage.line("villages-total"), coverage.line("villages-covered")
    assert (total.label, total.total, total.cells) == ("建制村总数", 4, [3, 1])
    assert (covered.label, covered.total, covered.cells) == ("已建立党组织的建制村", 3, [2, 1])


def test_coverage_is_not_recorded_when_a_township_has_not_said(tree):
    tree["A"].villages_count = 3
    tree["A"].save()
    coverage = party_statistics(tree["C"], DAY).table("coverage")
    total, covered = coverage.line("villages-total"), coverage.line("villages-covered")
    # 未录入: township B has not filled in its number of villages
    assert (total.total, total.cells) == (None, [3, None])
    assert (covered.total, covered.cells) == (3, [2, 1])
