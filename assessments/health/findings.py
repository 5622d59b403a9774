"""The findings of the health rules (组织健康体检): what a finding says, the rules' names in
the order pages, exports and the bulletin list them, and how serious each finding is."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from funding.services.standards import (
    COUNTY_BELOW_BUDGET_LINE,
    FISCAL_REVENUE_MISSING,
    FUND_BELOW_STANDARD,
    FUND_NOT_DISBURSED,
    PAYROLL_MISSING,
)

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
GENERAL_BRANCH_UNDER_50 = "general_branch_under_50"
COMMITTEE_UNDER_100 = "committee_under_100"
MAY_FORM_COMMITTEE = "may_form_committee"
JOINT_BRANCH_OVER_5_UNITS = "joint_branch_over_5_units"
MEMBERS_OUTSIDE_BRANCH = "members_outside_branch"
PROBATION_OVERDUE = "probation_overdue"
TERM_EXPIRED = "term_expired"
TERM_EXPIRING = "term_expiring"
SECRETARY_VACANT = "secretary_vacant"
CANDIDATE_NOT_VETTED = "candidate_not_vetted"
COMMITTEE_REQUIRED = "committee_required"
COMMITTEE_OVERSIZED = "committee_oversized"
WEAK_AND_LAX = "weak_and_lax"
NO_MEETING_THIS_QUARTER = "no_meeting_this_quarter"
DEVELOPMENT_STALLED = "development_stalled"
MOBILE_LOST_CONTACT = "mobile_lost_contact"
DUES_LAPSED = "dues_lapsed"
CHECKLIST_OVERDUE = "checklist_overdue"
RECTIFICATION_OVERDUE = "rectification_overdue"
CADRE_PAY_BELOW_STANDARD = "cadre_pay_below_standard"

RULE_LABELS: dict[str, Any] = {
    WEAK_AND_LAX: gettext_lazy("软弱涣散"),
    TERM_EXPIRED: gettext_lazy("任期已届满"),
    TERM_EXPIRING: gettext_lazy("任期即将届满"),
    SECRETARY_VACANT: gettext_lazy("书记空缺"),
    CANDIDATE_NOT_VETTED: gettext_lazy("村（社区）书记未经资格联审或县级备案"),
    COMMITTEE_REQUIRED: gettext_lazy("应设支部委员会而委员不足"),
    COMMITTEE_OVERSIZED: gettext_lazy("委员会委员超过职数"),
    FEWER_THAN_10_MEMBERS: gettext_lazy("村（社区）党员过少"),
    NO_MEMBER_UNDER_40: gettext_lazy("村（社区）无青年党员"),
    NO_FEMALE_MEMBER: gettext_lazy("村（社区）无女党员"),
    BRANCH_OVER_50: gettext_lazy("党支部党员过多"),
    FEWER_THAN_3_FULL_MEMBERS: gettext_lazy("党支部正式党员不足"),
    GENERAL_BRANCH_UNDER_50: gettext_lazy("党总支党员不足设置标准"),
    COMMITTEE_UNDER_100: gettext_lazy("基层党委党员不足设置标准"),
    MAY_FORM_COMMITTEE: gettext_lazy("村党员达到设立党委标准"),
    JOINT_BRANCH_OVER_5_UNITS: gettext_lazy("联合党支部覆盖单位过多"),
    MEMBERS_OUTSIDE_BRANCH: gettext_lazy("党员未编入党支部"),
    PROBATION_OVERDUE: gettext_lazy("预备期满未转正"),
    NO_MEETING_THIS_QUARTER: gettext_lazy("本季度未召开支部党员大会"),
    DEVELOPMENT_STALLED: gettext_lazy("发展党员超期停滞"),
    MOBILE_LOST_CONTACT: gettext_lazy("流动党员失去联系"),
    DUES_LAPSED: gettext_lazy("连续六个月未参加组织生活或未交纳党费"),
    CHECKLIST_OVERDUE: gettext_lazy("责任清单逾期未提交"),
    RECTIFICATION_OVERDUE: gettext_lazy("整改事项逾期"),
    CADRE_PAY_BELOW_STANDARD: gettext_lazy("村干部报酬低于标准"),
    FUND_BELOW_STANDARD: gettext_lazy("工作经费低于保障标准"),
    COUNTY_BELOW_BUDGET_LINE: gettext_lazy("县级党建经费低于预算比例"),
    FUND_NOT_DISBURSED: gettext_lazy("经费拨付滞后"),
    FISCAL_REVENUE_MISSING: gettext_lazy("缺少财政收入数据"),
    PAYROLL_MISSING: gettext_lazy("缺少工资总额数据"),
}
RULE_ORDER = {rule: index for index, rule in enumerate(RULE_LABELS)}


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


def finding(o: Any, rule: str, severity: str, message: str) -> Finding:
    """A finding about the organisation `o` (an Organization or a row with its fields)."""
    return Finding(
        code=o.code,
        name=o.name,
        rule=rule,
        message=message,
        severity=severity,
        org_id=o.id,
        org_path=o.path,
    )
