"""The table of the 换届 page: the due organisations of a subtree narrowed by state and
search, counted by state, sorted, and the same rows as an export. Reads the rows of
teams.renewal, so the table, its counts and the progress cards cannot disagree."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from typing import Any

import tablib
from django.utils.translation import gettext as _

from .renewal import RenewalRow, RenewalState

#: the columns the table sorts by (?sort=column or -column); the default is tree order
SORT_COLUMNS = ("org", "term", "state", "election")
#: a state's place when sorting by state: what needs doing first
STATE_ORDER = {
    RenewalState.OVERDUE: 0,
    RenewalState.DUE: 1,
    RenewalState.HELD: 2,
    RenewalState.APPROVED: 3,
    RenewalState.NOT_DUE: 4,
    RenewalState.UNKNOWN: 5,
}
FAR_FUTURE = datetime.date.max


def due_rows(rows: list[RenewalRow]) -> list[RenewalRow]:
    return [row for row in rows if row.due]


def unknown_terms(rows: list[RenewalRow]) -> int:
    """Organisations whose term start is not recorded: whether they are due is unknown."""
    return sum(1 for row in rows if row.state == RenewalState.UNKNOWN)


def search_rows(rows: list[RenewalRow], q: str) -> list[RenewalRow]:
    needle = q.strip().casefold()
    if not needle:
        return rows
    return [
        row
        for row in rows
        if needle in row.organization.name.casefold() or needle in row.organization.code.casefold()
    ]


def state_counts(rows: list[RenewalRow]) -> Counter:
    return Counter(row.state for row in rows)


def with_state(rows: list[RenewalRow], state: str) -> list[RenewalRow]:
    return [row for row in rows if row.state == state] if state else rows


_SORT_KEYS: dict[str, Callable[[RenewalRow], Any]] = {
    "org": lambda row: row.organization.path,
    "term": lambda row: (row.term_ends_on or FAR_FUTURE, row.organization.path),
    "state": lambda row: (STATE_ORDER[row.state], row.organization.path),
    "election": lambda row: (
        row.latest_election.held_on if row.latest_election else datetime.date.min,
        row.organization.path,
    ),
}


def sort_rows(rows: list[RenewalRow], sort: str) -> list[RenewalRow]:
    """`rows` by `sort` (a SORT_COLUMNS name, "-" first for descending); tree order when
    `sort` is empty or unknown."""
    column = sort.removeprefix("-")
    key = _SORT_KEYS.get(column)
    if key is None:
        return rows
    return sorted(rows, key=key, reverse=sort.startswith("-"))


EXPORT_HEADERS = (
    "组织代码",
    "组织名称",
    "组织类别",
    "本届任期开始日期",
    "任期届满日期",
    "换届状态",
    "最近选举日期",
    "上级批复日期",
    "书记人选资格联审",
    "书记",
)


def export_dataset(rows: list[RenewalRow], *, year: int) -> tablib.Dataset:
    dataset = tablib.Dataset(
        headers=list(EXPORT_HEADERS), title=_("%(year)d年换届进展") % {"year": year}
    )
    for row in rows:
        org, election = row.organization, row.latest_election
        dataset.append(
            [
                org.code,
                org.name,
                org.get_kind_display(),
                _iso(org.term_started_on),
                _iso(row.term_ends_on),
                row.state_label,
                _iso(election.held_on) if election else "",
                _iso(election.approved_on) if election else "",
                row.vetting_label if row.vetting else "",
                org.secretary_name,
            ]
        )
    return dataset


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""
