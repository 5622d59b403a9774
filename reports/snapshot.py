"""The figures computed for one subtree and period, as plain values so that they can be
cached: what `reports.figures` computes and the figure table reads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from assessments.standards.selectors import Figures as StandardFigures
from checklists.figures import QuarterFigures
from funding.selectors.funds import FundTotals
from funding.selectors.sites import SiteFigures


@dataclass
class ChildFigures:
    """The raw figures of one child's subtree, for the ranking."""

    org_id: int
    code: str
    name: str
    path: str
    members: int = 0
    lists: QuarterFigures | None = None
    standards_rate: Decimal | None = None
    execution_rate: Decimal | None = None
    findings: int = 0


@dataclass
class Snapshot:
    """Everything computed for one subtree and period; plain values, so it can be cached."""

    as_of: datetime.date
    kinds: dict[str, int]
    members: dict[str, int]
    new_members: int
    lists: QuarterFigures
    standards: StandardFigures
    funds: FundTotals
    sites: SiteFigures
    findings_by_rule: dict[str, int]
    children: list[ChildFigures] = field(default_factory=list)
