"""The year's change of the number of members: start + increases − decreases = end, in the
county's total and in each township's column, and the same for a township alone."""

from __future__ import annotations

import datetime

import pytest

from members.as_of import THEN_PREFIX, roster_on
from members.services.roster import member_update
from members.services.transfers import transfer_accept, transfer_request
from orgs.scope import subtree_q
from partystats.selectors import PartyStatistics, party_statistics
from partystats.year_change import ADDED, REMOVED
from tests.factories import make_member, make_user

DAY = datetime.date(2026, 11, 30)
SINCE_2020 = {"joined_on": datetime.date(2020, 3, 1), "confirmed_on": datetime.date(2021, 3, 1)}
MOVE_REQUESTED = datetime.date(2026, 4, 1)
MOVE_ACCEPTED = datetime.date(2026, 4, 10)

#: the lines of the change table, in order
KEYS = [
    "start",
    "developed",
    "transferred_in",
    "other_added",
    "transferred_out",
    "deceased",
    "expelled",
    "suspended",
    "other_removed",
    "end",
    "difference",
]


def change_figures(stats: PartyStatistics, column: str | None = None) -> dict[str, int | None]:
    """{line key: figure} of the change table: the total, or the cell of a column (by name)."""
    index = None if column is None else [c.name for c in stats.columns].index(column)
    return {
        line.key: line.total if index is None else line.cells[index]
        for line in stats.table("change").lines
    }


def expected(**figures: int) -> dict[str, int]:
    return {key: figures.get(key, 0) for key in KEYS}


def balances(figures: dict[str, int | None]) -> bool:
    """start + increases − decreases = end."""
    added = sum(figures[key] for key, _label in ADDED)
    removed = sum(figures[key] for key, _label in REMOVED)
    return figures["start"] + added - removed == figures["end"]


@pytest.fixture
def year(county, town_a, town_b, village_a1, village_b1):
    """Township A's village: two members since 2020 (one of them moves to township B's
    village in April) and one admitted in March. Township B's village: three since 2020,
    one of whom leaves the county in May and one dies in May."""
    staff = make_user("staff", county, "staff")
    people = {
        "a_stay": make_member(village_a1, name="甲留", **SINCE_2020),
        "mover": make_member(village_a1, name="甲迁", **SINCE_2020),
        "new": make_member(
            village_a1,
            name="甲新",
            birth="1998-01-01",
            joined_on=datetime.date(2026, 3, 1),
            category="probationary",
            confirmed_on=None,
        ),
        "b_stay": make_member(village_b1, name="乙留", **SINCE_2020),
        "leaver": make_member(village_b1, name="乙出", **SINCE_2020),
        "dead": make_member(village_b1, name="乙故", **SINCE_2020),
    }
    move = transfer_request(
        user=staff,
        member=people["mover"],
        reason="工作调动",
        on=MOVE_REQUESTED,
        to_organization=village_b1,
    )
    transfer_accept(user=staff, transfer=move, on=MOVE_ACCEPTED)
    transfer_request(
        user=staff,
        member=people["leaver"],
        reason="外出工作",
        on=datetime.date(2026, 5, 15),
        destination="某地党委",
    )
    dead = people["dead"]
    dead.refresh_from_db()
    dead.status = "deceased"
    dead.status_changed_on = datetime.date(2026, 5, 1)
    member_update(user=staff, member=dead, reason="去世")
    return people


def test_the_county_accounts_for_every_change(county, year):
    stats = party_statistics(county, DAY)
    assert [c.name for c in stats.columns] == ["甲镇党委", "乙镇党委"]
    # A move inside the county changes nothing in its total.
    assert change_figures(stats) == expected(
        start=5, developed=1, transferred_out=1, deceased=1, end=4
    )
    assert balances(change_figures(stats))
    assert stats.change.unexplained == []


def test_a_move_between_townships_is_out_of_one_column_and_into_the_other(county, year):
    stats = party_statistics(county, DAY)
    assert change_figures(stats, "甲镇党委") == expected(
        start=2, developed=1, transferred_out=1, end=2
    )
    assert change_figures(stats, "乙镇党委") == expected(
        start=3, transferred_in=1, transferred_out=1, deceased=1, end=2
    )
    assert balances(change_figures(stats, "甲镇党委"))
    assert balances(change_figures(stats, "乙镇党委"))
    town_a = stats.columns[0].path
    assert [m.name for m in stats.change.people("transferred_out", town_a)] == ["甲迁"]


def test_a_township_alone_has_the_figures_of_its_column(year, town_b):
    # `year` comes first: the tree keeps siblings in code order, so township B made before
    # township A would be moved by it, leaving this instance with a stale path.
    stats = party_statistics(town_b, DAY)
    figures = expected(start=3, transferred_in=1, transferred_out=1, deceased=1, end=2)
    assert change_figures(stats) == figures
    assert change_figures(stats, "乙一村支部") == figures
    assert [m.name for m in stats.change.people("transferred_in")] == ["甲迁"]
    assert [m.name for m in stats.change.people("transferred_out")] == ["乙出"]


def test_the_moved_member_counts_in_the_first_township_until_the_transfer_day(
    county, town_a, town_b, year
):
    before = party_statistics(county, MOVE_ACCEPTED - datetime.timedelta(days=1))
    after = party_statistics(county, MOVE_ACCEPTED)
    total_before = before.table("overview").line("total")
    total_after = after.table("overview").line("total")
    # 甲留, 甲迁, 甲新 | 乙留, 乙出, 乙故; then 甲迁 is in township B
    assert (total_before.total, total_before.cells) == (6, [3, 3])
    assert (total_after.total, total_after.cells) == (6, [2, 4])

    roster = roster_on(MOVE_ACCEPTED - datetime.timedelta(days=1))
    in_a = roster.filter(subtree_q(town_a, THEN_PREFIX))
    assert sorted(in_a.values_list("name", flat=True)) == sorted(["甲留", "甲迁", "甲新"])
    assert not roster.filter(subtree_q(town_b, THEN_PREFIX), name="甲迁").exists()


def admitted_in_2026(org, name: str, joined_on: datetime.date):
    return make_member(
        org,
        name=name,
        birth="1998-01-01",
        joined_on=joined_on,
        category="probationary",
        confirmed_on=None,
    )


def developed_figures(stats: PartyStatistics) -> tuple[tuple, tuple]:
    """(total, cells) of 增加：发展党员 in the change table and of the 发展党员 table."""
    in_change = stats.table("change").line("developed")
    in_table = stats.table("developed").line("developed")
    return (in_change.total, in_change.cells), (in_table.total, in_table.cells)


def test_a_member_admitted_and_moved_this_year_is_developed_where_admitted(
    county, town_a, town_b, village_a1, village_b1
):
    staff = make_user("staff", county, "staff")
    make_member(village_b1, **SINCE_2020)
    new = admitted_in_2026(village_a1, "甲新", datetime.date(2026, 3, 1))
    move = transfer_request(
        user=staff, member=new, reason="工作调动", on=MOVE_REQUESTED, to_organization=village_b1
    )
    transfer_accept(user=staff, transfer=move, on=MOVE_ACCEPTED)

    stats = party_statistics(county, DAY)
    # The 发展党员 table counts the member in township A, where admitted; the change table
    # must say the same, then count the move out of A and into B.
    in_change, in_table = developed_figures(stats)
    assert in_table == (1, [1, 0])
    assert in_change == in_table
    assert change_figures(stats, "甲镇党委") == expected(developed=1, transferred_out=1)
    assert change_figures(stats, "乙镇党委") == expected(start=1, transferred_in=1, end=2)

    # Counted alone, township B received a member by transfer; it admitted nobody.
    alone = party_statistics(town_b, DAY)
    assert change_figures(alone) == expected(start=1, transferred_in=1, end=2)


def test_a_member_admitted_and_gone_this_year_is_developed_and_removed(county, village_a1):
    staff = make_user("staff", county, "staff")
    make_member(village_a1, **SINCE_2020)
    leaver = admitted_in_2026(village_a1, "甲去", datetime.date(2026, 2, 1))
    transfer_request(
        user=staff,
        member=leaver,
        reason="外出工作",
        on=datetime.date(2026, 5, 1),
        destination="某地党委",
    )

    stats = party_statistics(county, DAY)
    in_change, in_table = developed_figures(stats)
    assert in_table[0] == 1
    assert in_change == in_table
    assert change_figures(stats) == expected(start=1, developed=1, transferred_out=1, end=1)
