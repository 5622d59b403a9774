"""Who is behind a figure: the members or organisations a cell of a table counts, by the
same condition the count used."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q
from django.utils.translation import gettext as _

from members.as_of import THEN_PATH, THEN_PREFIX, path_on, roster_on
from members.models import Member
from orgs.models import Organization
from orgs.scope import subtree_q

from .categories import StatRow, developed_table, member_tables
from .selectors import CONFIRMED_ROWS, ORG_ROWS, organisations_on
from .shapes import Column, columns_of
from .year_change import ADDED, REMOVED, year_change

MEMBERS, ORGANISATIONS = "members", "organisations"


@dataclass(frozen=True)
class Cell:
    """A table's line in a column (None: the whole subtree)."""

    table: str
    line: str
    column: Column | None


@dataclass
class Behind:
    kind: str  # MEMBERS or ORGANISATIONS
    title: str
    rows: Any  # a queryset, or a list for the year's change


def find_column(org: Organization, code: str) -> Column | None:
    """The column named by `code`: a child's code, or the organisation's own for 本级."""
    for column in columns_of(org):
        if column.code == code:
            return column
    raise LookupError(code)


def _column_q(org: Organization, column: Column | None, prefix: str) -> Q:
    if column is None:
        return subtree_q(org, prefix)
    if column.own:
        return Q(**{f"{prefix}path": org.path})
    return subtree_q(column.path, prefix)


def _row(rows: tuple[StatRow, ...], key: str) -> StatRow:
    for row in rows:
        if row.key == key:
            return row
    raise LookupError(key)


def behind(org: Organization, day: datetime.date, cell: Cell) -> Behind:
    """The members (or organisations) of `cell`; LookupError for a table or line that is not
    one of the page's."""
    for table in member_tables(day):
        if table.key == cell.table:
            row = _row(table.rows, cell.line)
            members = roster_on(day).filter(row.q, _column_q(org, cell.column, THEN_PREFIX))
            return Behind(MEMBERS, f"{table.title} · {row.label}", _ordered(members))
    if cell.table in ("developed", "confirmed"):
        rows = developed_table(day).rows if cell.table == "developed" else CONFIRMED_ROWS
        row = _row(rows, cell.line)
        field = "joined_on" if cell.table == "developed" else "confirmed_on"
        members = (
            Member.objects.filter(**{f"{field}__range": (datetime.date(day.year, 1, 1), day)})
            .annotate(**{THEN_PATH: path_on(OuterRef(field))})
            .filter(row.q, _column_q(org, cell.column, THEN_PREFIX))
        )
        return Behind(MEMBERS, row.label, _ordered(members))
    if cell.table == "organisations":
        row = _row(ORG_ROWS, cell.line)
        organisations = (
            organisations_on(day).filter(row.q, _column_q(org, cell.column, "")).order_by("path")
        )
        return Behind(ORGANISATIONS, row.label, organisations)
    if cell.table == "change":
        labels = {key: _("本年增加：%(r)s") % {"r": label} for key, label in ADDED}
        labels |= {key: _("本年减少：%(r)s") % {"r": label} for key, label in REMOVED}
        if cell.line not in labels:
            raise LookupError(cell.line)
        change = year_change(org, day, columns_of(org))
        path = None if cell.column is None else cell.column.path
        return Behind(MEMBERS, str(labels[cell.line]), change.people(cell.line, path))
    raise LookupError(cell.table)


def _ordered(members: Any) -> Any:
    return members.select_related("organization").order_by(THEN_PATH, "name", "pk")
