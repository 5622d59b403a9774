"""The health findings that come from the other parts' own warnings: members (stalled
development, lost mobile members, lapsed dues), funding, and the responsibility lists
(lists not submitted, rectifications overdue). Each part says what is wrong; here its
warnings become findings, one per organisation and rule, naming the people or items."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

from checklists.choices import ListStatus
from checklists.models import ResponsibilityList
from checklists.reviewing.selectors import overdue_rectifications
from funding.models import FundLine
from funding.services.standards import funding_warnings
from members.dues.findings import lapse_window, six_month_flags
from members.models import RuleKey
from members.services.mobile import lost_contact_members, lost_contact_months
from members.services.pipeline import stalled_cases
from orgs.models import Organization

from .findings import (
    CHECKLIST_OVERDUE,
    DEVELOPMENT_STALLED,
    DUES_LAPSED,
    MOBILE_LOST_CONTACT,
    RECTIFICATION_OVERDUE,
    WARNING,
    Finding,
    finding,
)

# Names listed in a member warning; the rest are counted ("等 12 名").
NAMES_SHOWN = 5


# --- members and funding ------------------------------------------------------------------
def names_text(names: list[str], total: int | None = None) -> str:
    """The first names, then "等" when `total` (default: all of `names`) holds more."""
    listed = names[:NAMES_SHOWN]
    shown = "、".join(listed)
    total = len(names) if total is None else total
    return _("%(names)s 等") % {"names": shown} if total > len(listed) else shown


def _grouped(pairs: Iterable[tuple[Organization, str]]) -> list[tuple[Organization, list[str]]]:
    by_org: dict[int, tuple[Organization, list[str]]] = {}
    for o, name in pairs:
        by_org.setdefault(o.id, (o, []))[1].append(name)
    return list(by_org.values())


def member_findings(org: Organization, today: datetime.date) -> list[Finding]:
    """One finding per organisation and rule, naming the people (a county has hundreds)."""
    findings = []
    # A 预备党员 past the probation is health.roster's probation_overdue, read from the
    # roster whether or not a development case exists: not reported twice.
    stalled = [
        case
        for case, key, _m in stalled_cases(org=org, today=today)
        if key != RuleKey.PROBATION_MONTHS
    ]
    for o, names in _grouped((case.organization, case.name) for case in stalled):
        findings.append(
            finding(
                o,
                DEVELOPMENT_STALLED,
                WARNING,
                _("%(n)d 名发展对象超过规定期限仍未进入下一阶段：%(names)s。")
                % {"n": len(names), "names": names_text(names)},
            )
        )
    lost = lost_contact_members(org=org, today=today)
    months = lost_contact_months()
    for o, names in _grouped((m.organization, m.name) for m in lost):
        findings.append(
            finding(
                o,
                MOBILE_LOST_CONTACT,
                WARNING,
                _("流动党员失去联系满 %(m)d 个月（或从未登记联系）%(n)d 名：%(names)s。")
                % {"m": months, "n": len(names), "names": names_text(names)},
            )
        )
    flags = six_month_flags(org, today)
    first, last = lapse_window(today)
    lapse_months = settings.DUES_LAPSE_MONTHS
    for o, names in _grouped(
        (f.member.organization, f"{f.member.name}（{f.reasons}）") for f in flags
    ):
        findings.append(
            finding(
                o,
                DUES_LAPSED,
                WARNING,
                _(
                    "连续 %(m)d 个月（%(first)s 至 %(last)s）未参加组织生活或未交纳党费"
                    " %(n)d 名：%(names)s。"
                )
                % {
                    "m": lapse_months,
                    "first": f"{first:%Y-%m}",
                    "last": f"{last:%Y-%m}",
                    "n": len(names),
                    "names": names_text(names),
                },
            )
        )
    return findings


def funding_findings(org: Organization, today: datetime.date) -> list[Finding]:
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


# --- the responsibility lists ------------------------------------------------------------
def checklist_findings(org: Organization, today: datetime.date) -> list[Finding]:
    """Lists past their deadline and not (re)submitted, and rectifications past their
    deadline with no report: one finding per organisation and rule (two queries).

    A list sent back after its deadline is overdue again until it is resubmitted; lists
    issued after `today` do not exist yet as far as a past date is concerned."""
    findings = []
    overdue_lists = (
        ResponsibilityList.objects.within(org)
        .filter(
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
        findings.append(finding(o, CHECKLIST_OVERDUE, WARNING, message))

    grouped = _grouped(
        (r.item.checklist.organization, f"{r.item.content}（{r.deadline.isoformat()}）")
        for r in overdue_rectifications(org, today)
    )
    for o, names in grouped:
        findings.append(
            finding(
                o,
                RECTIFICATION_OVERDUE,
                WARNING,
                _("%(n)d 项整改超过期限仍未报告整改情况：%(names)s。")
                % {"n": len(names), "names": names_text(names)},
            )
        )
    return findings
