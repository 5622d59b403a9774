"""What a progress bulletin (进展通报) says: its context (key figures, ranking, detail
tables, the 换届 section while a 换届 runs, names, charts), its HTML and its PDF. Running
the `Bulletin` records that store the PDFs is `reports.bulletin_runs`.

The key figures and the ranking come from `reports.figures`, exactly as on the dashboard;
the detail sections from the selectors those figures are built on, all as of the period's
last day (or today while it runs). Sums of money are written as `reports.figures` says:
`core.numbers.money` (the `yuan` filter in the template), two decimals and thousands
separators, in 元 and 万元 alike; only the economy thresholds, settings rather than sums,
are quoted as configured.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from assessments.choices import WeakLaxStatus
from assessments.health import findings as health
from assessments.register import selectors as register
from assessments.standards.grading import pass_score
from checklists import figures as list_figures
from checklists.choices import ListStatus
from core.numbers import rate
from core.periods import Period, Quarter
from funding.selectors.economy import economy_figures, economy_years
from funding.selectors.funds import totals_by_child
from funding.services.standards import (
    COUNTY_BELOW_BUDGET_LINE,
    FISCAL_REVENUE_MISSING,
    FUND_BELOW_STANDARD,
    FUND_NOT_DISBURSED,
)
from members.selectors import dues_collection, member_structure
from orgs.models import Organization

from . import figures
from .charts import bar_chart
from .renewal import renewal_section

# Limits that keep a county bulletin dense (about 10–15 pages): longer lists go to the
# appendices, which print every row.
PRAISE_LIMIT = 10
FAILED_ITEMS_LIMIT = 10
BODY_ROWS = 15
#: an appendix prints at most this many rows (about eight pages); a city's 1,800 villages
#: would otherwise take a hundred pages, and the health page's export has every row
APPENDIX_ROWS = 300
#: a table of contents is printed when the estimate reaches this many pages
TOC_MIN_PAGES = 5
#: rows of a dense table on one A4 page, and the pages the fixed sections take
ROWS_PER_PAGE = 38
FIXED_PAGES = 6

THREE_PROBLEMS = (health.FEWER_THAN_10_MEMBERS, health.NO_MEMBER_UNDER_40, health.NO_FEMALE_MEMBER)
TERM_RULES = (health.TERM_EXPIRED, health.TERM_EXPIRING)
BRANCH_SIZE_RULES = (health.BRANCH_OVER_50, health.FEWER_THAN_3_FULL_MEMBERS)
FUNDING_RULES = (
    COUNTY_BELOW_BUDGET_LINE,
    FISCAL_REVENUE_MISSING,
    FUND_BELOW_STANDARD,
    FUND_NOT_DISBURSED,
)


@dataclass(frozen=True)
class DetailTable:
    """A list that may be long: the body shows its first rows and, when there are more,
    an appendix prints all of them."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    empty: str
    appendix: str = ""

    @property
    def body_rows(self) -> list[list[str]]:
        return self.rows[:BODY_ROWS]

    @property
    def appendix_rows(self) -> list[list[str]]:
        return self.rows[:APPENDIX_ROWS]

    @property
    def left_out(self) -> int:
        """Rows the appendix does not print (they are in the health page's export)."""
        return max(0, len(self.rows) - APPENDIX_ROWS)


@dataclass(frozen=True)
class ProblemVillage:
    code: str
    name: str
    problems: list[str]


@dataclass(frozen=True)
class WeakLaxRow:
    code: str
    name: str
    situations: list[str]
    deadline: datetime.date
    status: str
    overdue: bool


@dataclass(frozen=True)
class NamedOrganization:
    code: str
    name: str
    reason: str


def _problem_villages(findings: list[health.Finding]) -> list[ProblemVillage]:
    """Every village with one of the three problems, each named with all of its problems."""
    by_village: dict[str, tuple[health.Finding, list[str]]] = {}
    for finding in findings:
        if finding.rule in THREE_PROBLEMS:
            entry = by_village.setdefault(finding.org_path, (finding, []))
            entry[1].append(finding.rule_label)
    return [
        ProblemVillage(first.code, first.name, problems)
        for _path, (first, problems) in sorted(by_village.items())
    ]


def _weak_and_lax(org: Organization, year: int, as_of: datetime.date) -> list[WeakLaxRow]:
    """The year's register entries as they stood on `as_of`: registered by then, closed
    only if the closing date had come (the register keeps the dates)."""
    rows = []
    for entry in register.register_for(org, year):
        if register.registered_on(entry) > as_of:
            continue
        if entry.review_on and entry.review_on <= as_of:
            status = entry.status
        elif entry.closed_on and entry.closed_on <= as_of:
            status = WeakLaxStatus.CLOSED
        else:
            status = WeakLaxStatus.RECTIFYING
        rows.append(
            WeakLaxRow(
                code=entry.organization.code,
                name=entry.organization.name,
                situations=register.situation_labels(entry.situations),
                deadline=entry.deadline,
                status=register.status_label(status),
                overdue=status == WeakLaxStatus.RECTIFYING and entry.deadline < as_of,
            )
        )
    return rows


def _economy_year(org: Organization, period: Period) -> int | None:
    """Collective income is reported by year: the latest year with records up to the
    period's year."""
    return next((year for year in economy_years(org) if year <= period.year), None)


def _praise_and_rectify(
    org: Organization, quarter: Quarter, weak: list[WeakLaxRow]
) -> tuple[list[NamedOrganization], list[NamedOrganization]]:
    """Praise: the best approved lists at or above the pass score. Rectify: approved
    lists below it, lists not submitted, and weak-and-lax rectification past its
    deadline. The pass score is the configured 达标 line (assessments.standards)."""
    line = Decimal(pass_score())
    ranked = list_figures.organization_ranking(org=org, quarter=quarter)
    praise = [
        NamedOrganization(row.code, row.name, _("责任清单得分 %(score)s 分") % {"score": row.score})
        for row in ranked
        if row.score is not None and row.score >= line
    ][:PRAISE_LIMIT]
    rectify = [
        NamedOrganization(
            row.code,
            row.name,
            _("责任清单得分 %(score)s 分，低于 %(line)s 分") % {"score": row.score, "line": line},
        )
        for row in reversed(ranked)
        if row.score is not None and row.score < line
    ]
    unsubmitted = (
        list_figures.lists_of(org=org, quarter=quarter)
        .exclude(status__in=list_figures.SUBMITTED)
        .order_by("organization__path")
        .values_list("organization__code", "organization__name", "status")
    )
    rectify += [
        NamedOrganization(code, name, _("责任清单%(s)s") % {"s": ListStatus(status).label})
        for code, name, status in unsubmitted
    ]
    rectify += [
        NamedOrganization(row.code, row.name, _("软弱涣散整顿逾期未销号"))
        for row in weak
        if row.overdue
    ]
    return praise, rectify


APPENDIX_LABELS = (
    _lazy("附录一"),
    _lazy("附录二"),
    _lazy("附录三"),
    _lazy("附录四"),
    _lazy("附录五"),
)


def _shares(rows: list[tuple[str, str, int]]) -> list[tuple[str, int, Decimal | None]]:
    """(label, count, share %) of a member structure."""
    total = sum(n for _value, _label, n in rows)
    return [(label, n, rate(n, total)) for _value, label, n in rows]


def _chart(title: str, labels: list, values: list, **options: Any):
    """A bar chart, or None when there is nothing to draw (no value known)."""
    if not any(value is not None for value in values):
        return None
    return bar_chart(title=str(title), labels=[str(x) for x in labels], values=values, **options)


def bulletin_context(
    *, org: Organization, period: Period, today: datetime.date | None = None
) -> dict[str, Any]:
    """Everything the bulletin template shows. The key figures and the ranking come from
    reports.figures, exactly as on the dashboard; the detail sections from the selectors
    those figures are built on, all as of the period's last day (or today while it runs)."""
    today = today or timezone.localdate()
    as_of = figures.as_of_for(period, today=today)
    past = as_of if as_of < today else None
    quarter = period.quarter
    overview = figures.overview(org=org, period=period, today=today)
    ranking = figures.ranking(org=org, period=period, today=today)
    snapshot = figures.snapshot(org=org, period=period, today=today)

    findings = figures.period_findings(org=org, period=period, today=today)  # computed once
    by_rule: dict[str, list[health.Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    problem_villages = _problem_villages(findings)
    weak = _weak_and_lax(org, period.year, as_of)

    structure = member_structure(org, as_of=past)
    dues = dues_collection(org, period.first_day, as_of)
    funds_by_child = totals_by_child(org, period.year, as_of=past)
    economy_year = _economy_year(org, period)
    economy = economy_figures(org=org, year=economy_year) if economy_year else None
    praise, rectify = _praise_and_rectify(org, quarter, weak)
    renewal = renewal_section(org, year=period.year, as_of=as_of)
    overdue = renewal.overdue if renewal else []
    failed_items = list_figures.most_failed_items(
        org=org, quarter=quarter, limit=FAILED_ITEMS_LIMIT
    )

    # The counts by rule are the overview's health figures, as the dashboard shows them.
    rule_rows = [(f.label, f.value) for f in overview.group("health").parts if f.value]
    stage_figures = overview.group("sites").parts
    detail_rows = (
        len(problem_villages)
        + sum(len(by_rule.get(rule, [])) for rule in (*TERM_RULES, *BRANCH_SIZE_RULES))
        + len(weak)
        + len(ranking)
        + len(rectify)
        + len(funds_by_child)
        + len(overdue)
    )
    estimated_pages = FIXED_PAGES + detail_rows // ROWS_PER_PAGE
    term_findings = [f for rule in TERM_RULES for f in by_rule.get(rule, [])]
    branch_findings = [f for rule in BRANCH_SIZE_RULES for f in by_rule.get(rule, [])]
    labels = iter(APPENDIX_LABELS)

    def table(key: str, title: str, columns: list, rows: list, empty: str) -> DetailTable:
        appendix = str(next(labels)) if len(rows) > BODY_ROWS else ""
        return DetailTable(key, str(title), [str(c) for c in columns], rows, str(empty), appendix)

    finding_columns = [_("党组织"), _("问题"), _("情况")]
    # Made in the order the document prints them, so that the appendices are numbered in
    # it: the 换届 section follows the terms' findings.
    villages_table = table(
        "villages",
        _("存在“三个问题”的村（社区）"),
        [_("村（社区）"), _("存在的问题")],
        [[v.name, "、".join(v.problems)] for v in problem_villages],
        _("没有党员少于规定人数、没有40岁以下党员或没有女党员的村（社区）。"),
    )
    terms_table = table(
        "terms",
        _("换届情况"),
        finding_columns,
        [[f.name, f.rule_label, f.message] for f in term_findings],
        _("没有任期已届满或即将届满的党组织。"),
    )
    renewal_table = (
        table(
            "renewal",
            _("逾期未换届的党组织"),
            [_("党组织"), _("任期届满日期"), _("书记人选资格联审")],
            [[r.organization.name, r.term_ends_on.isoformat(), r.vetting_label] for r in overdue],
            _("没有逾期未换届的党组织。"),
        )
        if renewal
        else None
    )
    branches_table = table(
        "branches",
        _("党支部规模"),
        finding_columns,
        [[f.name, f.rule_label, f.message] for f in branch_findings],
        _("没有党员过多或正式党员不足的党支部。"),
    )
    building_tables = [villages_table, terms_table, branches_table]
    rectify_table = table(
        "rectify",
        _("限期整改"),
        [_("党组织"), _("原因")],
        [[row.name, row.reason] for row in rectify],
        _("没有需要点名整改的党组织。"),
    )
    tables = [villages_table, terms_table, renewal_table, branches_table, rectify_table]
    return {
        "org": org,
        "period": period,
        "as_of": as_of,
        "issued_on": today,
        "overview": overview,
        "ranking": ranking,
        "lists": snapshot.lists,
        "failed_items": failed_items,
        "findings_total": overview.figure("health_total").value,
        "rule_rows": rule_rows,
        "building_tables": building_tables,
        "renewal": renewal,
        "renewal_table": renewal_table,
        "rectify_table": rectify_table,
        "appendices": [t for t in tables if t and t.appendix],
        "funding_findings": [f for rule in FUNDING_RULES for f in by_rule.get(rule, [])],
        "weak_and_lax": weak,
        "weak_and_lax_open": sum(1 for row in weak if row.status == WeakLaxStatus.RECTIFYING.label),
        "member_figures": overview.group("members").figures,
        "structure": [
            (_("年龄结构"), _shares(structure["age_band"])),
            (_("学历结构"), _shares(structure["education"])),
            (_("性别结构"), _shares(structure["gender"])),
        ],
        "dues": dues,
        "funds": snapshot.funds,
        "funds_by_child": funds_by_child,
        "sites": snapshot.sites,
        "economy": economy,
        "praise": praise,
        "show_toc": estimated_pages >= TOC_MIN_PAGES,
        "charts": {
            "ranking": _chart(
                _("下一级党组织责任清单平均得分"),
                [row.name for row in ranking if row.rank is not None],
                [row.average_score for row in ranking if row.rank is not None],
                unit=_("分"),
                max_value=100,
            ),
            "rules": _chart(
                _("组织体检发现的问题（按规则）"),
                [label for label, _n in rule_rows],
                [n for _label, n in rule_rows],
                unit=_("项"),
            ),
            "age": _chart(
                _("党员年龄结构"),
                [label for _value, label, _n in structure["age_band"]],
                [n for _value, _label, n in structure["age_band"]],
                unit=_("名"),
            ),
            "funds": _chart(
                _("党建经费执行率"),
                [row.label for row in funds_by_child],
                [row.totals.rate for row in funds_by_child],
                unit="%",
                max_value=100,
            ),
            "sites": _chart(
                _("阵地建设项目（按阶段）"),
                [f.label for f in stage_figures],
                [f.value for f in stage_figures],
                unit=_("个"),
            ),
        },
    }


def bulletin_html(*, org: Organization, period: Period) -> str:
    return render_to_string("reports/bulletin.html", bulletin_context(org=org, period=period))


def build_bulletin(*, org: Organization, period: Period) -> tuple[bytes, int]:
    """The PDF of the bulletin and its page count (raises pdf.PdfError)."""
    from core.pdf import check_cjk_font, render_pdf  # WeasyPrint: only where a PDF is made

    check_cjk_font()  # before the queries: a missing font should fail fast
    return render_pdf(bulletin_html(org=org, period=period))
