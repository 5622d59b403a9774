"""The health rules (组织健康体检): every finding of an organisation's subtree.

One module, called alike by `manage.py org_health`, the /health/ page, its export and the
tests. `findings_for(org)` runs a bounded number of queries whatever the subtree's size
(about twenty: the organisations, their ancestors, the thresholds, one member aggregate,
the quarter's meetings, the register, the member services and the funding warnings).

Which organisation each rule looks at (DOMAIN.md, Organisations):
- the three village problems (`fewer_than_10_members`, `no_member_under_40`,
  `no_female_member`) concern a *village or community*: the topmost 村级 organisation of
  domain 农村 or 城市社区 on its path. A 村党委 or 党总支 with branches under it is one
  village, counted with all its branches' members; its branches are not villages of their
  own. Asked about a branch whose village lies above it, these rules say nothing: the
  finding belongs to the village, outside the subtree asked about.
- `branch_over_50` concerns a 党支部 or 联合党支部 (a joint branch is a branch too and
  should split as well); `fewer_than_3_full_members` a 党支部 only: a 联合党支部 exists
  precisely because its units have fewer than three, and a 临时党支部 is not a standing
  organisation. Their members are those of the branch and anything recorded under it.
- `no_meeting_this_quarter` concerns the organisations that hold a 支部党员大会: 党支部 and
  联合党支部. A 党总支 or 党委 holds a 党员大会 of its own kind, and a 临时党支部 takes
  no votes (it neither admits nor disciplines members), so neither is flagged.
- terms, secretary and the weak-and-lax flag concern every organisation.
Member counts are the 在册 members of the day asked about: today's roster, or for a past
day (a bulletin of a past quarter) the members of that day from their dated facts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funding.models import FundLine
from funding.services.standards import (
    COUNTY_BELOW_BUDGET_LINE,
    FISCAL_REVENUE_MISSING,
    FUND_BELOW_STANDARD,
    FUND_NOT_DISBURSED,
    PAYROLL_MISSING,
    funding_warnings,
)
from members.choices import Category, Gender
from members.selectors import subtree_members
from members.services.dues import lapse_window, six_month_flags
from members.services.mobile import lost_contact_members, lost_contact_months
from members.services.pipeline import stalled_cases
from orgs.choices import MeetingKind, OrgDomain, OrgKind, OrgLevel
from orgs.models import Organization, OrgLifeRecord
from orgs.scope import UNRESTRICTED, get_visible_or_404, scope_paths
from orgs.terms import add_months, add_years

from .checklist_models import ResponsibilityList
from .choices import FLAGGED_STATUSES, ListStatus, ThresholdKey, WeakLaxStatus
from .models import WeakLaxEntry
from .reviewing import overdue_rectifications
from .thresholds import thresholds

DANGER, WARNING, INFO = "danger", "warning", "info"
SEVERITY_LABELS = {
    DANGER: gettext_lazy("严重"),
    WARNING: gettext_lazy("提醒"),
    INFO: gettext_lazy("提示"),
}
SEVERITY_ORDER = {DANGER: 0, WARNING: 1, INFO: 2}

# Rule identifiers, in the order pages and the command list them.
FEWER_THAN_10_MEMBERS = "fewer_than_10_members"
NO_MEMBER_UNDER_40 = "no_member_under_40"
NO_FEMALE_MEMBER = "no_female_member"
BRANCH_OVER_50 = "branch_over_50"
FEWER_THAN_3_FULL_MEMBERS = "fewer_than_3_full_members"
TERM_EXPIRED = "term_expired"
TERM_EXPIRING = "term_expiring"
SECRETARY_VACANT = "secretary_vacant"
WEAK_AND_LAX = "weak_and_lax"
NO_MEETING_THIS_QUARTER = "no_meeting_this_quarter"
DEVELOPMENT_STALLED = "development_stalled"
MOBILE_LOST_CONTACT = "mobile_lost_contact"
DUES_LAPSED = "dues_lapsed"
CHECKLIST_OVERDUE = "checklist_overdue"
RECTIFICATION_OVERDUE = "rectification_overdue"

RULE_LABELS: dict[str, Any] = {
    WEAK_AND_LAX: gettext_lazy("软弱涣散"),
    TERM_EXPIRED: gettext_lazy("任期已届满"),
    TERM_EXPIRING: gettext_lazy("任期即将届满"),
    SECRETARY_VACANT: gettext_lazy("书记空缺"),
    FEWER_THAN_10_MEMBERS: gettext_lazy("村（社区）党员过少"),
    NO_MEMBER_UNDER_40: gettext_lazy("村（社区）无青年党员"),
    NO_FEMALE_MEMBER: gettext_lazy("村（社区）无女党员"),
    BRANCH_OVER_50: gettext_lazy("党支部党员过多"),
    FEWER_THAN_3_FULL_MEMBERS: gettext_lazy("党支部正式党员不足"),
    NO_MEETING_THIS_QUARTER: gettext_lazy("本季度未召开支部党员大会"),
    DEVELOPMENT_STALLED: gettext_lazy("发展党员超期停滞"),
    MOBILE_LOST_CONTACT: gettext_lazy("流动党员失去联系"),
    DUES_LAPSED: gettext_lazy("连续未交纳党费"),
    CHECKLIST_OVERDUE: gettext_lazy("责任清单逾期未提交"),
    RECTIFICATION_OVERDUE: gettext_lazy("整改事项逾期"),
    FUND_BELOW_STANDARD: gettext_lazy("工作经费低于保障标准"),
    COUNTY_BELOW_BUDGET_LINE: gettext_lazy("县级党建经费低于预算比例"),
    FUND_NOT_DISBURSED: gettext_lazy("经费拨付滞后"),
    FISCAL_REVENUE_MISSING: gettext_lazy("缺少财政收入数据"),
    PAYROLL_MISSING: gettext_lazy("缺少工资总额数据"),
}
RULE_ORDER = {rule: index for index, rule in enumerate(RULE_LABELS)}

PLACE_DOMAINS = (OrgDomain.RURAL, OrgDomain.URBAN_COMMUNITY)
BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
ASSEMBLY_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
# Names listed in a member warning; the rest are counted ("等 12 名").
NAMES_SHOWN = 5

ORG_FIELDS = (
    "id",
    "path",
    "depth",
    "code",
    "name",
    "kind",
    "level",
    "domain",
    "secretary_name",
    "term_started_on",
    "term_years",
    "is_weak_and_lax",
)


@dataclass(frozen=True)
class Finding:
    """One finding: which organisation, which rule, how serious, and a Chinese sentence
    with the measured figure."""

    code: str
    name: str
    rule: str
    message: str
    severity: str
    org_id: int | None = None
    org_path: str = ""

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS.get(self.rule, self.rule))

    @property
    def severity_label(self) -> str:
        return str(SEVERITY_LABELS[self.severity])

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rule_label"] = self.rule_label
        data["severity_label"] = self.severity_label
        return data


def sort_key(finding: Finding) -> tuple:
    return (
        RULE_ORDER.get(finding.rule, len(RULE_ORDER)),
        SEVERITY_ORDER[finding.severity],
        finding.org_path,
        finding.message,
    )


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the calendar quarter holding `day`."""
    first = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return first, add_months(first, 3) - datetime.timedelta(days=1)


def is_place(org: Any) -> bool:
    return org.level == OrgLevel.VILLAGE and org.domain in PLACE_DOMAINS


def findings_for(org: Organization, *, today: datetime.date | None = None) -> list[Finding]:
    """Every health finding of `org` and everything under it, grouped by rule (in
    RULE_LABELS order), then most serious first, then in tree order."""
    today = today or timezone.localdate()
    figures = thresholds()
    orgs = list(Organization.objects.subtree_of(org).only(*ORG_FIELDS))
    findings: list[Finding] = []
    findings += _structure_findings(org, orgs, figures, today)
    findings += _term_findings(orgs, figures, today)
    findings += _secretary_findings(orgs)
    findings += _weak_and_lax_findings(orgs, today)
    findings += _meeting_findings(org, orgs, today)
    findings += _member_findings(org, today)
    findings += _funding_findings(org, today)
    findings += _checklist_findings(org, today)
    return sorted(findings, key=sort_key)


def _finding(o: Any, rule: str, severity: str, message: str) -> Finding:
    return Finding(
        code=o.code,
        name=o.name,
        rule=rule,
        message=message,
        severity=severity,
        org_id=o.id,
        org_path=o.path,
    )


# --- members per village and branch ------------------------------------------------------
def _member_rows(org: Organization, today: datetime.date, young_age: int) -> list[dict]:
    """Each organisation's direct current members: total, women, under the young-age line,
    full members (one query). Not members.selectors.org_member_figures: its age line is 40,
    ours is configuration."""
    born_after = add_years(today, -young_age)
    # A past day counts the members of that day (members.selectors.subtree_members: a
    # member who left later still counts), and full members by their 转正日期 then.
    as_of = today if today < timezone.localdate() else None
    full = Q(category=Category.FULL) if as_of is None else Q(confirmed_on__lte=as_of)
    return list(
        subtree_members(org, as_of=as_of)
        .values("organization__path")
        .annotate(
            total=Count("id"),
            female=Count("id", filter=Q(gender=Gender.FEMALE)),
            young=Count("id", filter=Q(birth_date__gt=born_after)),
            full=Count("id", filter=full),
        )
        .order_by()
    )


def _roll_up(rows: Iterable[dict], unit_paths: Iterable[str]) -> dict[str, dict[str, int]]:
    """Add each organisation's figures to every unit whose subtree holds it."""
    totals = {path: {"total": 0, "female": 0, "young": 0, "full": 0} for path in unit_paths}
    step = Organization.steplen
    for row in rows:
        path = row["organization__path"]
        for end in range(step, len(path) + 1, step):
            unit = totals.get(path[:end])
            if unit is not None:
                for key in unit:
                    unit[key] += row[key]
    return totals


def _place_above(org: Organization) -> bool:
    """Whether a village or community lies above `org` (one query; none for a root)."""
    step = Organization.steplen
    above = [org.path[:end] for end in range(step, len(org.path), step)]
    if not above:
        return False
    return Organization.objects.filter(
        path__in=above, level=OrgLevel.VILLAGE, domain__in=PLACE_DOMAINS
    ).exists()


def _places(org: Organization, orgs: list[Organization]) -> list[Organization]:
    """The topmost village/community organisations of the subtree (see module docstring)."""
    if _place_above(org):
        return []
    place_paths = {o.path for o in orgs if is_place(o)}
    return [o for o in orgs if o.path in place_paths and o.parent_path not in place_paths]


def _structure_findings(
    org: Organization, orgs: list[Organization], figures: dict[str, int], today: datetime.date
) -> list[Finding]:
    places = _places(org, orgs)
    branches = [o for o in orgs if o.kind in BRANCH_KINDS]
    if not places and not branches:
        return []
    young_age = figures[ThresholdKey.YOUNG_AGE]
    rows = _member_rows(org, today, young_age)
    counts = _roll_up(rows, [o.path for o in (*places, *branches)])
    minimum = figures[ThresholdKey.MIN_VILLAGE_MEMBERS]
    maximum = figures[ThresholdKey.MAX_BRANCH_MEMBERS]
    min_full = figures[ThresholdKey.MIN_FULL_MEMBERS]
    findings = []
    for place in places:
        c = counts[place.path]
        if c["total"] < minimum:
            findings.append(
                _finding(
                    place,
                    FEWER_THAN_10_MEMBERS,
                    WARNING,
                    _("党员 %(n)d 名，少于 %(min)d 名。") % {"n": c["total"], "min": minimum},
                )
            )
        if c["young"] == 0:
            findings.append(
                _finding(
                    place,
                    NO_MEMBER_UNDER_40,
                    WARNING,
                    _("%(age)d 岁以下党员 0 名（共有党员 %(n)d 名）。")
                    % {"age": young_age, "n": c["total"]},
                )
            )
        if c["female"] == 0:
            findings.append(
                _finding(
                    place,
                    NO_FEMALE_MEMBER,
                    WARNING,
                    _("女党员 0 名（共有党员 %(n)d 名）。") % {"n": c["total"]},
                )
            )
    for branch in branches:
        c = counts[branch.path]
        if c["total"] > maximum:
            findings.append(
                _finding(
                    branch,
                    BRANCH_OVER_50,
                    INFO,
                    _("党员 %(n)d 名，超过 %(max)d 名，可考虑分设党支部或成立党总支。")
                    % {"n": c["total"], "max": maximum},
                )
            )
        if branch.kind == OrgKind.BRANCH and c["full"] < min_full:
            findings.append(
                _finding(
                    branch,
                    FEWER_THAN_3_FULL_MEMBERS,
                    WARNING,
                    _("正式党员 %(n)d 名，少于 %(min)d 名，宜与邻近单位组建联合党支部。")
                    % {"n": c["full"], "min": min_full},
                )
            )
    return findings


# --- terms, secretary, weak-and-lax flag ---------------------------------------------------
def _term_findings(
    orgs: list[Organization], figures: dict[str, int], today: datetime.date
) -> list[Finding]:
    """Expired on the day the term ends (as orgs.terms.term_status); expiring within the
    configured number of months."""
    months = figures[ThresholdKey.TERM_EXPIRING_MONTHS]
    notice_until = add_months(today, months)
    findings = []
    for o in orgs:
        ends_on = o.term_ends_on
        if ends_on is None:
            continue
        if ends_on <= today:
            findings.append(
                _finding(
                    o,
                    TERM_EXPIRED,
                    WARNING,
                    _("本届任期 %(years)d 年，已于 %(day)s 届满（逾期 %(late)d 天），应及时换届。")
                    % {
                        "years": o.term_years,
                        "day": ends_on.isoformat(),
                        "late": (today - ends_on).days,
                    },
                )
            )
        elif ends_on <= notice_until:
            findings.append(
                _finding(
                    o,
                    TERM_EXPIRING,
                    INFO,
                    _("本届任期 %(years)d 年，将于 %(day)s 届满（还有 %(left)d 天）。")
                    % {
                        "years": o.term_years,
                        "day": ends_on.isoformat(),
                        "left": (ends_on - today).days,
                    },
                )
            )
    return findings


def _secretary_findings(orgs: list[Organization]) -> list[Finding]:
    return [
        _finding(o, SECRETARY_VACANT, WARNING, _("未登记书记姓名，书记可能空缺。"))
        for o in orgs
        if not o.secretary_name.strip()
    ]


def _weak_and_lax_findings(orgs: list[Organization], today: datetime.date) -> list[Finding]:
    flagged = [o for o in orgs if o.is_weak_and_lax]
    if not flagged:
        return []
    # The entry under rectification if there is one, else the latest (one query).
    entries: dict[int, WeakLaxEntry] = {}
    for entry in WeakLaxEntry.objects.filter(organization_id__in=[o.id for o in flagged]).order_by(
        "organization_id", "-year"
    ):
        current = entries.get(entry.organization_id)
        if current is None or (
            entry.status in FLAGGED_STATUSES and current.status not in FLAGGED_STATUSES
        ):
            entries[entry.organization_id] = entry
    findings = []
    for o in flagged:
        entry = entries.get(o.id)
        if entry is None:
            message = _("列为软弱涣散党组织，整顿台账中没有登记。")
        else:
            message = _("列为软弱涣散党组织（%(year)d 年台账，%(status)s，整顿期限 %(day)s）。") % {
                "year": entry.year,
                "status": WeakLaxStatus(entry.status).label,
                "day": entry.deadline.isoformat(),
            }
            if entry.status in FLAGGED_STATUSES and entry.deadline < today:
                message += _("已超过整顿期限 %(n)d 天。") % {"n": (today - entry.deadline).days}
        findings.append(_finding(o, WEAK_AND_LAX, DANGER, message))
    return findings


# --- organisation life -------------------------------------------------------------------
def _meeting_findings(
    org: Organization, orgs: list[Organization], today: datetime.date
) -> list[Finding]:
    holders = [o for o in orgs if o.kind in ASSEMBLY_KINDS]
    if not holders:
        return []
    first, last = quarter_bounds(today)
    held = set(
        OrgLifeRecord.objects.filter(
            organization__path__startswith=org.path,
            kind=MeetingKind.BRANCH_ASSEMBLY,
            held_on__range=(first, last),
        )
        .values_list("organization_id", flat=True)
        .distinct()
    )
    quarter = (first.month - 1) // 3 + 1
    template = _(
        "%(year)d 年第 %(q)d 季度（%(first)s 至 %(last)s）尚未记录支部党员大会"
        "（已记录 0 次，本季度还剩 %(left)d 天）。"
    )
    values = {
        "year": first.year,
        "q": quarter,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "left": (last - today).days,
    }
    message = template % values
    return [
        _finding(o, NO_MEETING_THIS_QUARTER, WARNING, message) for o in holders if o.id not in held
    ]


# --- warnings of the members and funding parts ---------------------------------------------
def _names(names: list[str]) -> str:
    shown = "、".join(names[:NAMES_SHOWN])
    return _("%(names)s 等") % {"names": shown} if len(names) > NAMES_SHOWN else shown


def _grouped(pairs: Iterable[tuple[Organization, str]]) -> list[tuple[Organization, list[str]]]:
    by_org: dict[int, tuple[Organization, list[str]]] = {}
    for o, name in pairs:
        by_org.setdefault(o.id, (o, []))[1].append(name)
    return list(by_org.values())


def _member_findings(org: Organization, today: datetime.date) -> list[Finding]:
    """One finding per organisation and rule, naming the people (a county has hundreds)."""
    findings = []
    stalled = stalled_cases(org=org, today=today)
    for o, names in _grouped((case.organization, case.name) for case, _key, _m in stalled):
        findings.append(
            _finding(
                o,
                DEVELOPMENT_STALLED,
                WARNING,
                _("%(n)d 名发展对象超过规定期限仍未进入下一阶段：%(names)s。")
                % {"n": len(names), "names": _names(names)},
            )
        )
    lost = lost_contact_members(org=org, today=today)
    months = lost_contact_months()
    for o, names in _grouped((m.organization, m.name) for m in lost):
        findings.append(
            _finding(
                o,
                MOBILE_LOST_CONTACT,
                WARNING,
                _("流动党员失去联系满 %(m)d 个月（或从未登记联系）%(n)d 名：%(names)s。")
                % {"m": months, "n": len(names), "names": _names(names)},
            )
        )
    flags = six_month_flags(org, today)
    first, last = lapse_window(today)
    lapse_months = settings.DUES_LAPSE_MONTHS
    for o, names in _grouped((f.member.organization, f.member.name) for f in flags):
        findings.append(
            _finding(
                o,
                DUES_LAPSED,
                WARNING,
                _("连续 %(m)d 个月（%(first)s 至 %(last)s）未交纳党费 %(n)d 名：%(names)s。")
                % {
                    "m": lapse_months,
                    "first": f"{first:%Y-%m}",
                    "last": f"{last:%Y-%m}",
                    "n": len(names),
                    "names": _names(names),
                },
            )
        )
    return findings


def _funding_findings(org: Organization, today: datetime.date) -> list[Finding]:
    """This year's funding warnings, rule identifiers as the funding part names them.

    Quiet until the year's funds are being recorded at all, as on the organisation page:
    before that every village would be "below standard", which nobody can act on."""
    year = today.year
    if not FundLine.objects.filter(year=year).exists():
        return []
    return [
        Finding(
            code=f.org_code,
            name=f.org_name,
            rule=f.rule,
            message=f.message,
            severity=f.severity,
            org_id=f.org_id,
            org_path=f.org_path,
        )
        for f in funding_warnings(org, year, today=today)
    ]


# --- warnings of the responsibility lists ---------------------------------------------------
def _checklist_findings(org: Organization, today: datetime.date) -> list[Finding]:
    """Lists past their deadline and not (re)submitted, and rectifications past their
    deadline with no report: one finding per organisation and rule (two queries).

    A list sent back after its deadline is overdue again until it is resubmitted; lists
    issued after `today` do not exist yet as far as a past date is concerned."""
    findings = []
    overdue_lists = (
        ResponsibilityList.objects.filter(
            organization__path__startswith=org.path,
            status__in=(ListStatus.DRAFT, ListStatus.RETURNED),
            deadline__lt=today,
            issued_at__date__lte=today,
        )
        .select_related("organization")
        .order_by("organization__path", "year", "quarter")
    )
    by_org: dict[int, tuple[Organization, list[str]]] = {}
    for checklist in overdue_lists:
        text = _(
            "%(year)d 年第 %(q)d 季度（截止 %(deadline)s，已逾期 %(days)d 天%(returned)s）"
        ) % {
            "year": checklist.year,
            "q": checklist.quarter,
            "deadline": checklist.deadline.isoformat(),
            "days": (today - checklist.deadline).days,
            "returned": _("，退回后未重新提交") if checklist.status == ListStatus.RETURNED else "",
        }
        by_org.setdefault(checklist.organization_id, (checklist.organization, []))[1].append(text)
    for o, texts in by_org.values():
        message = _("书记抓基层党建工作责任清单未提交：%(lists)s。") % {"lists": "；".join(texts)}
        findings.append(_finding(o, CHECKLIST_OVERDUE, WARNING, message))

    grouped = _grouped(
        (r.item.checklist.organization, f"{r.item.content}（{r.deadline.isoformat()}）")
        for r in overdue_rectifications(org, today)
    )
    for o, names in grouped:
        findings.append(
            _finding(
                o,
                RECTIFICATION_OVERDUE,
                WARNING,
                _("%(n)d 项整改超过期限仍未报告整改情况：%(names)s。")
                % {"n": len(names), "names": _names(names)},
            )
        )
    return findings


# --- selections for the page and the export -------------------------------------------------
def scope_tops(user: Any) -> list[Organization]:
    """The top organisations of the user's scope (the roots for a superuser)."""
    paths = scope_paths(user)
    if paths is UNRESTRICTED:
        return list(Organization.objects.filter(depth=1))
    return list(Organization.objects.filter(path__in=paths))


def chosen_or_top(user: Any, code: str) -> Organization | None:
    """The organisation a page is asked about: a visible ?org=CODE (404 otherwise, never
    403), else the first top of the user's scope in tree order; None without a scope."""
    code = (code or "").strip()
    if code:
        return get_visible_or_404(Organization.objects.all(), user, code=code)
    tops = scope_tops(user)
    return min(tops, key=lambda o: o.path) if tops else None


def filter_findings(
    findings: list[Finding], *, rule: str = "", severity: str = ""
) -> list[Finding]:
    return [
        f
        for f in findings
        if (not rule or f.rule == rule) and (not severity or f.severity == severity)
    ]


@dataclass
class AreaCount:
    """Findings of one child's whole subtree (a township under a county)."""

    org: Organization | None
    label: str
    total: int = 0
    danger: int = 0
    warning: int = 0
    info: int = 0


def counts_by_child(
    top: Organization, children: list[Organization], findings: Iterable[Finding]
) -> list[AreaCount]:
    """One row per child of `top` (its whole subtree), then `top`'s own findings; one pass
    over the findings by path prefix."""
    rows = {c.path: AreaCount(org=c, label=c.name) for c in children}
    own = AreaCount(org=top, label=_("%(name)s（本级）") % {"name": top.name})
    width = len(top.path) + Organization.steplen
    for f in findings:
        if not f.org_path.startswith(top.path):
            continue
        row = rows.get(f.org_path[:width]) if len(f.org_path) >= width else own
        if row is None:
            continue
        row.total += 1
        setattr(row, f.severity, getattr(row, f.severity) + 1)
    return [*rows.values(), *([own] if own.total else [])]
