"""The key figures, declared: one entry per figure (a family of choices is one entry per
choice), grouped as the dashboard, the bulletin and the export show them. Each says its
key, label, unit, measure (count, rate, score or money: how it and its change are written),
how its value is read from a `Snapshot` and the list it links to;
`reports.figures.overview` turns the table into `FigureGroup`s for a subtree and period.
Nothing else spells a figure's label, unit or link.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assessments.health.findings import RULE_LABELS
from checklists.choices import ListStatus
from funding.choices import ProjectStage
from members.choices import Category
from orgs.choices import OrgKind

from .snapshot import Snapshot

Read = Callable[[Snapshot], int | Decimal | None]


class Slot(Enum):
    """A part of a link filled in for the overview's organisation and period."""

    ORG = "org"  # the organisation's code
    YEAR = "year"  # the period's year
    QUARTER = "quarter"  # the number of the period's quarter


ORG, YEAR, QUARTER = Slot.ORG, Slot.YEAR, Slot.QUARTER


@dataclass(frozen=True)
class Link:
    """The list behind a figure: a URL name, its arguments and its query."""

    name: str
    args: tuple[Any, ...] = ()
    params: tuple[tuple[str, Any], ...] = ()

    def url(self, fill: Mapping[Slot, Any]) -> str:
        def value(v: Any) -> Any:
            return fill[v] if isinstance(v, Slot) else v

        query = urlencode({k: value(v) for k, v in self.params if value(v) not in (None, "")})
        path = reverse(self.name, args=[value(a) for a in self.args])
        return path + (f"?{query}" if query else "")


def link(name: str, *args: Any, **params: Any) -> Link:
    return Link(name, args, tuple(params.items()))


class Measure(Enum):
    """What a figure measures, which says how it and its change are written
    (`reports.figures.Figure`)."""

    COUNT = "count"  # 12,345名; change ▲ 12 名
    RATE = "rate"  # 85.3% (core.numbers.percent); change ▲ 2.5 个百分点
    SCORE = "score"  # 80分; change ▲ 2.5 分
    MONEY = "money"  # 1,441,000.00元 (core.numbers.money); change ▲ 374,000.00 元


COUNT, RATE, SCORE, MONEY = Measure.COUNT, Measure.RATE, Measure.SCORE, Measure.MONEY


@dataclass(frozen=True)
class FigureSpec:
    key: str
    label: Promise | str
    unit: Promise | str
    read: Read
    link: Link
    #: False for what carries no date (the organisation tree): no previous value then
    dated: bool = True
    measure: Measure = COUNT
    #: shown only when counted in the period or the one before (the health rules)
    only_when_found: bool = False


@dataclass(frozen=True)
class GroupSpec:
    key: str
    title: Promise | str
    figures: tuple[FigureSpec, ...]


# --- how values are read from a snapshot ----------------------------------------------------
def total_of(field: str) -> Read:
    """The sum of a snapshot's counts by kind, category or rule."""
    return lambda snap: sum(getattr(snap, field).values())


def count_of(field: str, key: str) -> Read:
    """One of a snapshot's counts by kind, category or rule (0 when none)."""
    return lambda snap: getattr(snap, field).get(key, 0)


def stage_count(stage: str) -> Read:
    return lambda snap: snap.sites.count_of(stage)


# --- the table ------------------------------------------------------------------------------
ORG_UNIT, MEMBER_UNIT, ITEM_UNIT = _("个"), _("名"), _("项")
LISTS = link("checklists:review_list", year=YEAR, quarter=QUARTER)
STANDARDS = link("assessments:standards", org=ORG, year=YEAR)
FUNDS = link("funding:index", org=ORG, year=YEAR)

FIGURE_TABLE: tuple[GroupSpec, ...] = (
    GroupSpec(
        "organizations",
        _("党组织"),
        (
            FigureSpec(
                "organizations_total",
                _("党组织总数"),
                ORG_UNIT,
                total_of("kinds"),
                link("orgs:detail", ORG),
                dated=False,
            ),
            *(
                FigureSpec(
                    f"organizations_{kind}",
                    label,
                    ORG_UNIT,
                    count_of("kinds", kind),
                    link("orgs:tree", kind=kind),
                    dated=False,
                )
                for kind, label in OrgKind.choices
            ),
        ),
    ),
    GroupSpec(
        "members",
        _("党员队伍"),
        (
            FigureSpec(
                "members_total",
                _("党员总数"),
                MEMBER_UNIT,
                total_of("members"),
                link("members:list", org=ORG),
            ),
            *(
                FigureSpec(
                    f"members_{category}",
                    label,
                    MEMBER_UNIT,
                    count_of("members", category),
                    link("members:list", org=ORG, category=category),
                )
                for category, label in Category.choices
            ),
            FigureSpec(
                "members_new",
                _("本期发展党员"),
                MEMBER_UNIT,
                attrgetter("new_members"),
                link("members:list", org=ORG, status="all", sort="-joined"),
            ),
        ),
    ),
    GroupSpec(
        "lists",
        _("书记抓党建责任清单"),
        (
            FigureSpec(
                "lists_issued",
                _("下发清单"),
                _("份"),
                attrgetter("lists.issued"),
                LISTS,
            ),
            FigureSpec(
                "lists_submission_rate",
                _("清单提交率"),
                "%",
                attrgetter("lists.submission_rate"),
                LISTS,
                measure=RATE,
            ),
            FigureSpec(
                "lists_on_time_rate",
                _("按时提交率"),
                "%",
                attrgetter("lists.on_time_rate"),
                LISTS,
                measure=RATE,
            ),
            FigureSpec(
                "lists_average_score",
                _("清单平均得分"),
                _("分"),
                attrgetter("lists.average_score"),
                link(
                    "checklists:review_list",
                    year=YEAR,
                    quarter=QUARTER,
                    status=ListStatus.APPROVED,
                ),
                measure=SCORE,
            ),
        ),
    ),
    GroupSpec(
        "standards",
        _("标准化规范化建设"),
        (
            FigureSpec(
                "standards_rate",
                _("达标率（已评）"),
                "%",
                attrgetter("standards.rate_of_scored"),
                STANDARDS,
                measure=RATE,
            ),
            FigureSpec(
                "standards_scored",
                _("已评定党组织"),
                ORG_UNIT,
                attrgetter("standards.scored"),
                STANDARDS,
            ),
        ),
    ),
    GroupSpec(
        "funds",
        _("党建经费"),
        (
            FigureSpec(
                "funds_execution_rate",
                _("经费执行率"),
                "%",
                attrgetter("funds.rate"),
                FUNDS,
                measure=RATE,
            ),
            FigureSpec(
                "funds_budget",
                _("年度预算"),
                _("元"),
                attrgetter("funds.budget"),
                FUNDS,
                measure=MONEY,
            ),
            FigureSpec(
                "funds_disbursed",
                _("已拨付"),
                _("元"),
                attrgetter("funds.disbursed"),
                FUNDS,
                measure=MONEY,
            ),
        ),
    ),
    GroupSpec(
        "sites",
        _("阵地建设项目"),
        (
            FigureSpec(
                "sites_total",
                _("项目总数"),
                ORG_UNIT,
                attrgetter("sites.total"),
                link("funding:sites", org=ORG),
            ),
            *(
                FigureSpec(
                    f"sites_{stage}",
                    label,
                    ORG_UNIT,
                    stage_count(stage),
                    link("funding:sites", org=ORG, stage=stage),
                )
                for stage, label in ProjectStage.choices
            ),
        ),
    ),
    GroupSpec(
        "health",
        _("组织体检发现的问题"),
        (
            FigureSpec(
                "health_total",
                _("问题总数"),
                ITEM_UNIT,
                total_of("findings_by_rule"),
                link("assessments:health", org=ORG),
            ),
            *(
                FigureSpec(
                    f"health_{rule}",
                    label,
                    ITEM_UNIT,
                    count_of("findings_by_rule", rule),
                    link("assessments:health", org=ORG, rule=rule),
                    only_when_found=True,
                )
                for rule, label in RULE_LABELS.items()
            ),
        ),
    ),
)
