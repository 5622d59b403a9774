"""The party statistics of an organisation's subtree as of a day, with one column per child.

Figures are counted in the database (a few grouped queries whatever the size of the
subtree); only the members whose year changed something (admitted, gone, moved) are looked
at one by one, for the year's change. A column is a child's whole subtree, plus 本级 for the
organisation's own members, so a township's figures computed alone equal its column in the
county's table.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from members.as_of import split_at, split_on
from members.models import Member
from members.models.appraisals import AppraisalResult
from members.services.appraisals import counts_by_path_prefix
from orgs.choices import OrgKind, OrgLevel
from orgs.models import Organization
from orgs.scope import PATH_STEP, subtree_q

from .categories import MemberTable, StatRow, confirmed_q, developed_table, member_tables
from .shapes import Column, Line, Table, column_key, columns_of, grouped_counts, lines_of
from .year_change import YearChange, year_change


@dataclass
class PartyStatistics:
    org: Organization
    as_of: datetime.date
    columns: list[Column]
    tables: list[Table]
    change: YearChange

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)

    @property
    def year(self) -> int:
        return self.as_of.year


def _year_range(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From 1 January of `day`'s year to `day`."""
    return datetime.date(day.year, 1, 1), day


def member_counts(org: Organization, day: datetime.date, rows: tuple[StatRow, ...]):
    return grouped_counts(org, split_on(day), rows)


def developed_querysets(day: datetime.date) -> tuple[Any, Any]:
    """Members admitted in the year up to `day`, each where they were admitted."""
    admitted = Member.objects.filter(joined_on__range=_year_range(day))
    return split_at(admitted, OuterRef("joined_on"))


def confirmed_querysets(day: datetime.date) -> tuple[Any, Any]:
    """Members made full members (转正) in the year up to `day`, where they were then."""
    confirmed = Member.objects.filter(confirmed_on__range=_year_range(day))
    return split_at(confirmed, OuterRef("confirmed_on"))


RESULTS = AppraisalResult.choices

CONFIRMED_ROWS = (
    StatRow("confirmed", "预备党员转正", Q()),
    StatRow("confirmed-on-time", "按期转正", confirmed_q(extended=False)),
    StatRow("confirmed-extended", "延长预备期后转正", confirmed_q(extended=True)),
)


# --- organisations ----------------------------------------------------------------------
BASIC_LEVELS = (OrgLevel.TOWNSHIP, OrgLevel.VILLAGE, OrgLevel.OTHER)
BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMPORARY_BRANCH)
ORG_ROWS = (
    StatRow(
        "basic",
        "基层党组织",
        Q(kind=OrgKind.PARTY_COMMITTEE, level__in=BASIC_LEVELS)
        | Q(kind__in=(OrgKind.GENERAL_BRANCH, *BRANCH_KINDS)),
    ),
    StatRow("committees", "基层党委", Q(kind=OrgKind.PARTY_COMMITTEE, level__in=BASIC_LEVELS)),
    StatRow("general_branches", "党总支", Q(kind=OrgKind.GENERAL_BRANCH)),
    StatRow("branches", "党支部", Q(kind__in=BRANCH_KINDS)),
    StatRow("joint_branches", "其中：联合党支部", Q(kind=OrgKind.JOINT_BRANCH)),
    StatRow("temporary_branches", "其中：临时党支部", Q(kind=OrgKind.TEMPORARY_BRANCH)),
    StatRow(
        "working_committees",
        "党工委（派出机关，不计入基层党组织）",
        Q(kind=OrgKind.WORKING_COMMITTEE),
    ),
)
#: the JSON's `organisations` object
ORG_JSON = {"基层党委": "committees", "党总支": "general_branches", "党支部": "branches"}


def organisations_on(day: datetime.date) -> Any:
    """Organisations that existed on `day` (an unknown founding date counts)."""
    return Organization.objects.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=day))


def org_counts(org: Organization, day: datetime.date) -> dict[str, dict[str, int]]:
    width = len(org.path) + PATH_STEP
    counts: dict[str, dict[str, int]] = {row.key: defaultdict(int) for row in ORG_ROWS}
    aggregates = {f"c{i}": Count("pk", filter=row.q) for i, row in enumerate(ORG_ROWS)}
    grouped = (
        organisations_on(day)
        .filter(subtree_q(org))
        .annotate(column=Substr("path", 1, width))
        .values("column")
        .annotate(**aggregates)
        .order_by()
    )
    for result in grouped:
        for i, row in enumerate(ORG_ROWS):
            counts[row.key][result["column"]] += result[f"c{i}"]
    return counts


#: (key, label, domain) of the places a township governs
PLACES = (
    ("villages", "建制村", "rural", "villages_count"),
    ("communities", "社区", "community", "communities_count"),
)


def coverage(org: Organization, day: datetime.date, columns: list[Column]) -> list[Line]:
    """Villages and communities with a party organisation, out of those the townships
    record (辖建制村数 / 辖社区数; 未录入 when a township of the column has not said)."""
    rows = list(
        organisations_on(day)
        .filter(subtree_q(org), level__in=(OrgLevel.VILLAGE, OrgLevel.TOWNSHIP))
        .values_list("path", "level", "domain", "villages_count", "communities_count")
    )
    village_paths = {path for path, level, *_rest in rows if level == OrgLevel.VILLAGE}
    lines = []
    for key, label, domain, count_field in PLACES:
        covered: dict[str, int] = defaultdict(int)
        totals: dict[str, int] = defaultdict(int)
        unknown: set[str] = set()
        for path, level, org_domain, villages, communities in rows:
            column = column_key(org, path)
            if level == OrgLevel.VILLAGE and org_domain == domain:
                # One village however many organisations it has: count its top one.
                if path[:-PATH_STEP] not in village_paths:
                    covered[column] += 1
            elif level == OrgLevel.TOWNSHIP:
                value = villages if count_field == "villages_count" else communities
                if value is None:
                    unknown.add(column)
                else:
                    totals[column] += value
        known = set(totals) | unknown
        column_totals = [
            None if column.path in unknown or column.path not in known else totals[column.path]
            for column in columns
        ]
        grand = None if unknown or not known else sum(totals.values())
        lines.append(
            Line(f"{key}-total", _("%(label)s总数") % {"label": label}, grand, column_totals)
        )
        lines.append(
            Line(
                f"{key}-covered",
                _("已建立党组织的%(label)s") % {"label": label},
                sum(covered.values()),
                [covered.get(column.path, 0) for column in columns],
            )
        )
    return lines


def appraisal_table(org: Organization, day: datetime.date, columns: list[Column]) -> Table:
    """The results of 民主评议党员 of `day`'s year, or of the year before when this year's
    are not recorded yet (评议 is held at the turn of the year); 未录入 without either."""
    width = len(org.path) + PATH_STEP
    for year in (day.year, day.year - 1):
        found = counts_by_path_prefix(org, year, width)
        if found:
            break
    title = _("民主评议党员")
    if not found:
        lines = [not_recorded(f"appraisal-{v}", str(label), columns) for v, label in RESULTS]
        return Table("appraisal", title, lines, note=_("本年度和上年度的民主评议结果尚未录入。"))
    lines = [
        Line(
            f"appraisal-{value}",
            str(label),
            sum(counts.get(value, 0) for counts in found.values()),
            [found.get(column.path, {}).get(value, 0) for column in columns],
        )
        for value, label in RESULTS
    ]
    return Table(
        "appraisal",
        _("%(title)s（%(year)s年度）") % {"title": title, "year": year},
        lines,
        links=False,
    )


def not_recorded(key: str, label: str, columns: list[Column]) -> Line:
    """A line of records the portal does not hold yet: 未录入, never a zero."""
    return Line(key, label, None, [None] * len(columns), missing=_("未录入"))


# --- the whole -------------------------------------------------------------------------
def member_table(
    table: MemberTable, counts: dict[str, dict[str, int]], columns: list[Column]
) -> Table:
    return Table(table.key, table.title, lines_of(table.rows, counts, columns))


def party_statistics(org: Organization, day: datetime.date) -> PartyStatistics:
    """Every table for `org`'s subtree as of `day` (scope-check `org` before calling)."""
    columns = columns_of(org)
    tables: list[Table] = []
    stock = member_tables(day)
    all_rows = tuple(row for table in stock for row in table.rows)
    counts = member_counts(org, day, all_rows)
    tables += [member_table(table, counts, columns) for table in stock]

    developed = developed_table(day)
    tables.append(
        member_table(
            developed, grouped_counts(org, developed_querysets(day), developed.rows), columns
        )
    )
    confirmed = Table(
        "confirmed",
        _("预备党员转正"),
        [
            *lines_of(
                CONFIRMED_ROWS,
                grouped_counts(org, confirmed_querysets(day), CONFIRMED_ROWS),
                columns,
            ),
            not_recorded("cancelled", _("取消预备党员资格"), columns),
        ],
        note=_("取消预备党员资格尚未在平台登记，显示为“未录入”。"),
    )
    tables.append(confirmed)
    tables.append(
        Table("organisations", _("基层党组织"), lines_of(ORG_ROWS, org_counts(org, day), columns))
    )
    tables.append(
        Table(
            "coverage",
            _("建制村、社区党组织覆盖"),
            coverage(org, day, columns),
            note=_(
                "总数取自乡镇（街道）党组织填写的辖建制村数、辖社区数；有未填写的显示为“未录入”。"
            ),
            links=False,
        )
    )
    change = year_change(org, day, columns, end=dict(counts["total"]))
    tables.append(change.table(columns))
    tables.append(appraisal_table(org, day, columns))
    return _without_empty_own(
        PartyStatistics(org=org, as_of=day, columns=columns, tables=tables, change=change)
    )


def _without_empty_own(stats: PartyStatistics) -> PartyStatistics:
    """本级 is left out when the organisation holds nothing itself (a county committee whose
    members all sit in branches), or when it has no children (the total says it all)."""
    own = len(stats.columns) - 1
    cells = [line.cells[own] for table in stats.tables for line in table.lines]
    if len(stats.columns) > 1 and any(cells):
        return stats
    stats.columns = stats.columns[:own]
    for table in stats.tables:
        for line in table.lines:
            line.cells = line.cells[:own]
    return stats
