"""The yearly funding standards, the figures they are checked against (fiscal revenue,
payrolls) and the warnings of a subtree.

Which organisation a standard applies to:
- a *village* is the topmost 村级 organisation of domain 农村 on its path (a 村党委's
  branches belong to it), a *community* the same with domain 城市社区; their 工作经费
  budget is summed over their whole subtree and compared with the village or community
  standard;
- an *organ branch* is the topmost 机关 organisation at branch level (村级 or 其他) on its
  path — 机关工委 and the county committee itself are not, they have no payroll of their
  own; its 活动经费 budget must reach organ_activity_rate % of that year's Payroll;
- a *county* is a root organisation that is not 市级, or the topmost 县级 organisation on
  its path (county-level 工委 under the county are part of it); the 财政预算 budget of its
  subtree must reach county_budget_rate % of the previous year's FiscalRevenue.

Money not disbursed: from checkpoints of the budget year on, a line whose execution rate is
below the checkpoint's rate is flagged. The checkpoints are
`settings.FUND_EXECUTION_CHECKPOINTS`, pairs of (months of the year elapsed, minimum
rate %); by default 50 % once the third quarter is over (1 October) and 100 % once the year
is over (1 January of the next year). The latest checkpoint passed applies.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.numbers import money, plain_number, rate
from orgs.choices import OrgDomain, OrgLevel
from orgs.models import Organization
from orgs.scope import PATH_STEP, can_edit_path, parent_path

from ..choices import FundCategory, FundSource
from ..models import FiscalRevenue, FundingStandard, FundLine, Payroll

ZERO = Decimal("0.00")
WAN = Decimal("10000")  # fiscal revenue is recorded in 万元, budgets in 元

FUND_BELOW_STANDARD = "fund_below_standard"
COUNTY_BELOW_BUDGET_LINE = "county_below_budget_line"
FUND_NOT_DISBURSED = "fund_not_disbursed"
FISCAL_REVENUE_MISSING = "fiscal_revenue_missing"
PAYROLL_MISSING = "payroll_missing"

PLACE_DOMAINS = (OrgDomain.RURAL, OrgDomain.URBAN_COMMUNITY)
BRANCH_LEVELS = (OrgLevel.VILLAGE, OrgLevel.OTHER)


class Severity(models.TextChoices):
    DANGER = "danger", gettext_lazy("严重")
    WARNING = "warning", gettext_lazy("提醒")
    INFO = "info", gettext_lazy("缺少数据")


SEVERITY_ORDER = {Severity.DANGER: 0, Severity.WARNING: 1, Severity.INFO: 2}


class FundingFinding:
    """One warning: which organisation (and line), which rule, how serious, and a Chinese
    sentence with the measured figure.

    The sentence of a lagging line is written only when read: a city has thousands of
    them and a page shows fifty, so formatting every one would cost most of the page.
    """

    __slots__ = (
        "org_code",
        "org_name",
        "rule",
        "severity",
        "line_code",
        "org_path",
        "org_id",
        "_message",
        "_render",
    )

    def __init__(
        self,
        *,
        org_code: str,
        org_name: str,
        rule: str,
        severity: str,
        message: str = "",
        line_code: str = "",
        org_path: str = "",
        org_id: int | None = None,
        render: Callable[[], str] | None = None,
    ):
        self.org_code = org_code
        self.org_name = org_name
        self.rule = rule
        self.severity = severity
        #: the fund line concerned (fund_not_disbursed only)
        self.line_code = line_code
        #: tree path, for ordering findings in tree order
        self.org_path = org_path
        self.org_id = org_id
        self._message = message
        self._render = render

    @property
    def message(self) -> str:
        if self._render is not None:
            self._message, self._render = self._render(), None
        return self._message

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)

    def __repr__(self) -> str:
        return f"<FundingFinding {self.rule} {self.org_code} {self.line_code}>"


# --- standards ---------------------------------------------------------------------------


def standard_for(year: int) -> FundingStandard | None:
    """The standard in force in `year`: that year's row or the latest earlier one."""
    return FundingStandard.objects.filter(year__lte=year).order_by("-year").first()


def execution_checkpoints() -> list[tuple[int, Decimal]]:
    raw = settings.FUND_EXECUTION_CHECKPOINTS
    return sorted((int(months), Decimal(str(minimum))) for months, minimum in raw)


def required_execution(year: int, today: datetime.date) -> tuple[int, Decimal] | None:
    """(months elapsed at the checkpoint, minimum rate %) that applies to `year`'s lines on
    `today`, or None before the first checkpoint."""
    elapsed = (today.year - year) * 12 + today.month - 1
    passed = [(months, minimum) for months, minimum in execution_checkpoints() if elapsed >= months]
    return passed[-1] if passed else None


def _checkpoint_label(year: int, months: int) -> str:
    if months >= 12:
        return _("%(year)d 年度结束后") % {"year": year}
    if months % 3 == 0:
        quarter = "一二三"[months // 3 - 1]
        return _("%(year)d 年第%(quarter)s季度结束后") % {"year": year, "quarter": quarter}
    return _("%(year)d 年 %(month)d 月起") % {"year": year, "month": months + 1}


# --- recording the figures the standards compare with ------------------------------------


def is_county(org: Organization) -> bool:
    """A root that is not 市级, or the topmost 县级 organisation on its path."""
    if org.depth == 1:
        return org.level != OrgLevel.CITY
    if org.level != OrgLevel.COUNTY:
        return False
    parent = Organization.objects.filter(path=org.parent_path).values_list("level", flat=True)
    return parent.first() != OrgLevel.COUNTY


def validate_fiscal_revenue_org(org: Organization) -> None:
    if not is_county(org):
        raise ValidationError(
            {
                "organization": _("财政收入只能登记在县（区）级党组织上，“%(name)s”不是。")
                % {"name": org.name}
            }
        )


def validate_payroll_org(org: Organization) -> None:
    if org.domain != OrgDomain.ORGAN:
        raise ValidationError(
            {
                "organization": _("工资总额只能登记在机关党组织上，“%(name)s”属于%(domain)s。")
                % {"name": org.name, "domain": org.get_domain_display()}
            }
        )


def _check_editable(user: Any, org: Organization) -> None:
    if not can_edit_path(user, org.path):
        raise PermissionDenied(_("组织“%(code)s”不在您的管辖范围内。") % {"code": org.code})


@transaction.atomic
def fiscal_revenue_record(
    *, user: Any, organization: Organization, year: int, revenue: Decimal
) -> FiscalRevenue:
    """Record (or correct) a county's general public budget revenue of a year, in 万元."""
    _check_editable(user, organization)
    validate_fiscal_revenue_org(organization)
    record = FiscalRevenue.objects.filter(organization=organization, year=year).first()
    record = record or FiscalRevenue(organization=organization, year=year)
    record.revenue = revenue
    record.full_clean(validate_unique=False)
    record._history_user = user
    record.save()
    return record


@transaction.atomic
def payroll_record(*, user: Any, organization: Organization, year: int, amount: Decimal) -> Payroll:
    """Record (or correct) an organ's payroll of a year, in 元."""
    _check_editable(user, organization)
    validate_payroll_org(organization)
    record = Payroll.objects.filter(organization=organization, year=year).first()
    record = record or Payroll(organization=organization, year=year)
    record.amount = amount
    record.full_clean(validate_unique=False)
    record._history_user = user
    record.save()
    return record


# --- warnings ----------------------------------------------------------------------------


@dataclass
class _Org:
    id: int
    path: str
    depth: int
    code: str
    name: str
    level: str
    domain: str


def _subtree(org: Organization) -> list[_Org]:
    rows = Organization.objects.within(org).values_list(
        "id", "path", "depth", "code", "name", "level", "domain"
    )
    return [_Org(*row) for row in rows]


def _topmost(orgs: list[_Org], member: Any, root_parent_is_member: bool) -> list[_Org]:
    """The organisations satisfying `member` whose parent does not (tree order)."""
    matching = {o.path for o in orgs if member(o)}
    found = []
    for o in orgs:
        if o.path not in matching:
            continue
        parent_matches = (
            parent_path(o.path) in matching if o is not orgs[0] else root_parent_is_member
        )
        if not parent_matches:
            found.append(o)
    return found


def _is_place(o: Any) -> bool:
    return o.level == OrgLevel.VILLAGE and o.domain in PLACE_DOMAINS


def _is_organ(o: Any) -> bool:
    return o.domain == OrgDomain.ORGAN and o.level in BRANCH_LEVELS


def _parent_of(org: Organization) -> Organization | None:
    if org.depth == 1:
        return None
    return Organization.objects.filter(path=org.parent_path).only("level", "domain").first()


def _sum_by_unit(
    rows: Iterable[dict], path_by_id: dict[int, str], units: list[_Org], field: str
) -> dict[str, Decimal]:
    """Add each organisation's figure to the unit whose subtree holds it."""
    totals = {u.path: ZERO for u in units}
    for row in rows:
        path = path_by_id[row["organization_id"]]
        for end in range(PATH_STEP, len(path) + 1, PATH_STEP):
            if path[:end] in totals:
                totals[path[:end]] += row[field]
                break
    return totals


def _is_county_level(o: Any) -> bool:
    return o.level == OrgLevel.COUNTY


def _counties(orgs: list[_Org], parent: Organization | None) -> list[_Org]:
    topmost = _topmost(orgs, _is_county_level, parent is not None and _is_county_level(parent))
    other_roots = [
        o for o in orgs if o.depth == 1 and o.level not in (OrgLevel.CITY, OrgLevel.COUNTY)
    ]
    return sorted([*topmost, *other_roots], key=lambda o: o.path)


def funding_warnings(
    org: Organization, year: int, *, today: datetime.date | None = None
) -> list[FundingFinding]:
    """Every funding finding of `org`'s subtree for `year`, most serious first, then in
    tree order. A bounded number of queries (at most eight) whatever the subtree's size."""
    today = today or timezone.localdate()
    orgs = _subtree(org)
    parent = _parent_of(org)
    places = _topmost(orgs, _is_place, parent is not None and _is_place(parent))
    organs = _topmost(orgs, _is_organ, parent is not None and _is_organ(parent))
    counties = _counties(orgs, parent)
    findings: list[FundingFinding] = []
    standard = standard_for(year) if (places or organs or counties) else None
    if standard is not None:
        path_by_id = {o.id: o.path for o in orgs}
        rows = list(
            FundLine.objects.within(org)
            .filter(year=year)
            .values("organization_id")
            .annotate(
                work=Coalesce(Sum("budget", filter=Q(category=FundCategory.WORK)), ZERO),
                activity=Coalesce(Sum("budget", filter=Q(category=FundCategory.ACTIVITY)), ZERO),
                fiscal=Coalesce(Sum("budget", filter=Q(source=FundSource.FISCAL)), ZERO),
            )
            .order_by()
        )
        work = _sum_by_unit(rows, path_by_id, places, "work")
        activity = _sum_by_unit(rows, path_by_id, organs, "activity")
        fiscal = _sum_by_unit(rows, path_by_id, counties, "fiscal")
        findings += _place_findings(places, work, standard, year)
        findings += _organ_findings(organs, activity, standard, year)
        findings += _county_findings(counties, fiscal, standard, year)
    findings += _execution_findings(org, year, today)
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.org_path, f.line_code))


def _finding(o: Any, rule: str, severity: str, message: str, line_code: str = "") -> FundingFinding:
    return FundingFinding(
        org_code=o.code,
        org_name=o.name,
        rule=rule,
        message=message,
        severity=severity,
        line_code=line_code,
        org_path=o.path,
        org_id=o.id,
    )


def _place_findings(
    places: list[_Org], work: dict[str, Decimal], standard: FundingStandard, year: int
) -> list[FundingFinding]:
    # Translated once: a city has well over a thousand villages.
    template = _(
        "%(year)d 年工作经费预算 %(budget)s 元，低于%(label)s %(required)s 元（差 %(gap)s 元）。"
    )
    community = (standard.community_work_fund, _("社区工作经费标准"))
    village = (standard.village_work_fund, _("村级组织工作经费标准"))
    findings = []
    for place in places:
        required, label = community if place.domain == OrgDomain.URBAN_COMMUNITY else village
        budget = work[place.path]
        if budget < required:
            message = template % {
                "year": year,
                "budget": money(budget),
                "label": label,
                "required": money(required),
                "gap": money(required - budget),
            }
            findings.append(_finding(place, FUND_BELOW_STANDARD, Severity.WARNING, message))
    return findings


def _organ_findings(
    organs: list[_Org], activity: dict[str, Decimal], standard: FundingStandard, year: int
) -> list[FundingFinding]:
    if not organs:
        return []
    payrolls = dict(
        Payroll.objects.filter(organization_id__in=[o.id for o in organs], year=year).values_list(
            "organization_id", "amount"
        )
    )
    share_required = standard.organ_activity_rate
    missing = _("未登记 %(year)d 年工资总额，无法核对活动经费是否达到工资总额的 %(rate)s%%。") % {
        "year": year,
        "rate": plain_number(share_required),
    }
    below = _(
        "%(year)d 年活动经费预算 %(budget)s 元，低于工资总额 %(payroll)s 元的 "
        "%(rate)s%%（%(required)s 元）。"
    )
    findings = []
    for organ in organs:
        payroll = payrolls.get(organ.id)
        if payroll is None:
            findings.append(_finding(organ, PAYROLL_MISSING, Severity.INFO, missing))
            continue
        required = payroll * share_required / 100
        budget = activity[organ.path]
        if budget < required:
            message = below % {
                "year": year,
                "budget": money(budget),
                "payroll": money(payroll),
                "rate": plain_number(share_required),
                "required": money(required),
            }
            findings.append(_finding(organ, FUND_BELOW_STANDARD, Severity.WARNING, message))
    return findings


def _county_findings(
    counties: list[_Org], fiscal: dict[str, Decimal], standard: FundingStandard, year: int
) -> list[FundingFinding]:
    if not counties:
        return []
    revenues = dict(
        FiscalRevenue.objects.filter(
            organization_id__in=[c.id for c in counties], year=year - 1
        ).values_list("organization_id", "revenue")
    )
    share_required = standard.county_budget_rate
    findings = []
    for county in counties:
        revenue = revenues.get(county.id)
        if revenue is None:
            message = _(
                "未登记 %(previous)d 年一般公共预算收入，无法核对 %(year)d 年党建经费"
                "是否达到上年财政收入的 %(rate)s%%。"
            ) % {"previous": year - 1, "year": year, "rate": plain_number(share_required)}
            findings.append(_finding(county, FISCAL_REVENUE_MISSING, Severity.INFO, message))
            continue
        required = revenue * WAN * share_required / 100
        budget = fiscal[county.path]
        if budget < required:
            # Revenue is not 0 here: nothing would be required, and no budget is below 0.
            share = rate(budget, revenue * WAN)
            message = _(
                "%(year)d 年财政预算安排的党建经费 %(budget)s 元，占上年（%(previous)d 年）"
                "一般公共预算收入 %(revenue)s 万元的 %(share)s%%，低于 %(rate)s%% 的要求"
                "（应不少于 %(required)s 元）。"
            ) % {
                "year": year,
                "budget": money(budget),
                "previous": year - 1,
                "revenue": money(revenue),
                "share": share,
                "rate": plain_number(share_required),
                "required": money(required),
            }
            findings.append(_finding(county, COUNTY_BELOW_BUDGET_LINE, Severity.DANGER, message))
    return findings


def _execution_findings(org: Organization, year: int, today: datetime.date) -> list[FundingFinding]:
    checkpoint = required_execution(year, today)
    if checkpoint is None:
        return []
    months, minimum = checkpoint
    # disbursed / budget < minimum % without a division (budget may be 0: nothing to pay).
    # Plain rows, labels and the sentence translated once: a city's lagging lines run
    # into thousands, and per-row model instances and gettext calls cost most of the page.
    rows = (
        FundLine.objects.within(org)
        .alias(disbursed_100=F("disbursed") * 100)
        # No division in SQL: on SQLite a whole-number budget would divide as integers.
        .filter(year=year, budget__gt=0, disbursed_100__lt=F("budget") * minimum)
        .order_by("organization__path", "code")
        .values_list(
            "code",
            "category",
            "budget",
            "disbursed",
            "organization_id",
            "organization__code",
            "organization__name",
            "organization__path",
        )
    )
    template = _(
        "经费 %(code)s（%(category)s）预算 %(budget)s 元，已拨付 %(disbursed)s 元，"
        "执行率 %(rate)s%%；%(when)s应达到 %(required)s%%。"
    )
    categories = {value: str(label) for value, label in FundCategory.choices}
    when, required = _checkpoint_label(year, months), plain_number(minimum)

    def render(code: str, category: str, budget: Decimal, disbursed: Decimal) -> str:
        return template % {
            "code": code,
            "category": categories.get(category, category),
            "budget": money(budget),
            "disbursed": money(disbursed),
            "rate": rate(disbursed, budget),
            "when": when,
            "required": required,
        }

    return [
        FundingFinding(
            org_code=org_code,
            org_name=org_name,
            rule=FUND_NOT_DISBURSED,
            severity=Severity.WARNING,
            line_code=code,
            org_path=org_path,
            org_id=org_id,
            render=partial(render, code, category, budget, disbursed),
        )
        for code, category, budget, disbursed, org_id, org_code, org_name, org_path in rows
    ]
