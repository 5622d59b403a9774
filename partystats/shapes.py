"""The shape of the statistics: columns (a child's subtree, or 本级), lines and tables,
and the one grouped count every member table is made with."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from members.as_of import THEN_PATH, THEN_PREFIX
from orgs.models import Organization
from orgs.scope import PATH_STEP, subtree_q

from .categories import StatRow


@dataclass(frozen=True)
class Column:
    """A child's subtree (`own` False) or the organisation's own records (本级)."""

    path: str
    code: str
    name: str
    own: bool = False

    @property
    def label(self) -> str:
        """The name as a column heading: without 中共 and the kind of committee (中共城关镇
        委员会 → 城关镇); the full name is the heading's title."""
        return short_heading(self.name)


@dataclass
class Line:
    key: str
    label: str
    total: int | None
    cells: list[int | None]
    #: shown instead of figures when the portal does not hold the records yet
    missing: str = ""


@dataclass
class Table:
    key: str
    title: str
    lines: list[Line]
    note: str = ""
    #: whose list a cell opens: "members" (the roster on the day) or "organisations"
    links: bool = True

    def line(self, key: str) -> Line:
        return next(line for line in self.lines if line.key == key)


#: longest first, so that 总支部委员会 is not cut as 委员会
HEADING_SUFFIXES = (
    "总支部委员会",
    "支部委员会",
    "工作委员会",
    "委员会",
    "党总支",
    "党支部",
    "党委",
)


def short_heading(name: str) -> str:
    short = name.removeprefix("中共")
    for suffix in HEADING_SUFFIXES:
        if short.endswith(suffix) and len(short) > len(suffix):
            return short[: -len(suffix)]
    return short


def columns_of(org: Organization) -> list[Column]:
    """The children in code order, then 本级."""
    children = Organization.objects.children_of(org).order_by("path")
    columns = [Column(child.path, child.code, child.name) for child in children]
    columns.append(Column(org.path, org.code, _("本级"), own=True))
    return columns


def column_key(org: Organization, path: str | None) -> str | None:
    """The column a tree path counts in: a child's path, or the organisation's own."""
    if path is None or not path.startswith(org.path):
        return None
    return path[: len(org.path) + PATH_STEP]


def grouped_counts(org: Organization, querysets: tuple[Any, ...], rows: tuple[StatRow, ...]):
    """{row key: {column path: count}} over `querysets` (each annotated with THEN_PATH)."""
    width = len(org.path) + PATH_STEP
    counts: dict[str, dict[str, int]] = {row.key: defaultdict(int) for row in rows}
    aggregates = {f"c{i}": Count("pk", filter=row.q or None) for i, row in enumerate(rows)}
    for queryset in querysets:
        grouped = (
            queryset.filter(subtree_q(org, THEN_PREFIX))
            .annotate(column=Substr(THEN_PATH, 1, width))
            .values("column")
            .annotate(**aggregates)
            .order_by()
        )
        for result in grouped:
            for i, row in enumerate(rows):
                counts[row.key][result["column"]] += result[f"c{i}"]
    return counts


def lines_of(
    rows: tuple[StatRow, ...], counts: dict[str, dict[str, int]], columns: list[Column]
) -> list[Line]:
    return [
        Line(
            row.key,
            row.label,
            sum(counts[row.key].values()),
            [counts[row.key].get(column.path, 0) for column in columns],
        )
        for row in rows
    ]
