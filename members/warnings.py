"""Warnings that the members app adds to an organisation's page (orgs.figures registry).

orgs may not import members (DESIGN.md), so MembersConfig.ready() calls
`register_org_warnings()`; each provider looks at the organisation's whole subtree with a
fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgs.figures import register_org_warning_provider
from orgs.models import Organization

from .models import RuleKey
from .services.mobile import lost_contact_members, lost_contact_months
from .services.pipeline import rules, stalled_cases

# Names shown per warning; the rest are counted ("等 12 人").
NAMES_SHOWN = 5

_STALL_SENTENCES = {
    RuleKey.APPLICANT_STALL_MONTHS: gettext_lazy(
        "入党申请人递交申请超过 %(n)d 个月仍未确定为积极分子"
    ),
    RuleKey.ACTIVIST_STALL_MONTHS: gettext_lazy("入党积极分子超过 %(n)d 个月仍未确定为发展对象"),
    RuleKey.CANDIDATE_STALL_MONTHS: gettext_lazy("发展对象超过 %(n)d 个月仍未接收为预备党员"),
    RuleKey.PROBATION_MONTHS: gettext_lazy("预备党员预备期已满仍未讨论转正（预备期 %(n)d 个月）"),
}


def _names(names: list[str], total: int) -> str:
    shown = "、".join(names[:NAMES_SHOWN])
    if total > NAMES_SHOWN:
        return _("%(names)s 等") % {"names": shown}
    return shown


def stalled_case_warnings(org: Organization) -> list[str]:
    """One sentence per rule that open development cases of the subtree have broken."""
    found = stalled_cases(org=org, today=timezone.localdate())
    if not found:
        return []
    figures = rules()
    by_rule: dict[str, list[str]] = defaultdict(list)
    for case, key, _message in found:
        by_rule[key].append(case.name)
    return [
        _("发展党员：%(what)s %(count)d 人（%(names)s）。")
        % {
            "what": _STALL_SENTENCES[key] % {"n": figures[key]},
            "count": len(names),
            "names": _names(names, len(names)),
        }
        for key, names in by_rule.items()
    ]


def lost_contact_warnings(org: Organization) -> list[str]:
    lost = lost_contact_members(org=org, today=timezone.localdate())
    total = lost.count()
    if not total:
        return []
    names = list(lost.values_list("name", flat=True)[:NAMES_SHOWN])
    return [
        _(
            "流动党员：失去联系满 %(m)d 个月（或从未登记联系）%(count)d 人（%(names)s），"
            "请支部研究处置。"
        )
        % {"m": lost_contact_months(), "count": total, "names": _names(names, total)}
    ]


def register_org_warnings() -> None:
    """Called from MembersConfig.ready(); registering twice is harmless."""
    register_org_warning_provider(stalled_case_warnings)
    register_org_warning_provider(lost_contact_warnings)
