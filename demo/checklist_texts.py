"""What the demo's secretaries write on their lists and the reviewers answer, and the
evidence files they attach (demo/checklists.py)."""

from __future__ import annotations

from decimal import Decimal

from checklists.choices import Indicator, ItemCategory
from checklists.models import ChecklistItem, ResponsibilityList
from orgs.choices import OrgLevel

from .photos import meeting_photo, sign_in_sheet

BY_INDICATOR = {
    Indicator.BRANCH_ASSEMBLIES: "本季度召开支部党员大会，按月开展主题党日，召开支委会和党小组会，"
    "上党课 1 次；会议记录和照片已上传。",
    Indicator.LIFE_RECORDS: "督导所辖党组织落实“三会一课”，会议记录均已录入系统。",
    Indicator.NEW_MEMBERS: "按年度计划培养入党积极分子和发展对象，严格履行发展程序。",
    Indicator.DUES_RATE: "党费按月收缴，做到应收尽收，收缴台账已上传。",
    Indicator.FUNDS_EXECUTION: "工作经费按计划拨付使用，专款专用，账目公开。",
}
BY_CATEGORY = {
    ItemCategory.ORGANISATION: "班子团结稳定，对照台账落实整顿措施，做好换届准备。",
    ItemCategory.MEMBERS: "每季度与流动党员联系，掌握其思想和工作情况。",
    ItemCategory.LIFE: "按要求开展组织生活，记录完整。",
    ItemCategory.VENUE: "活动场所正常开放，开展代办服务和文体活动。",
    ItemCategory.FUNDING: "经费及时拨付，使用规范。",
    ItemCategory.GOVERNANCE: "落实“四议两公开”，本季度调解矛盾纠纷，办理为民实事。",
    ItemCategory.ECONOMY: "推进土地流转和物业出租项目，集体经营性收入稳步增加。",
    ItemCategory.OTHER: "已按要求完成。",
}
IN_PROGRESS = "正在推进，部分工作尚未完成。"
RETURN_REASON = "请补充支部党员大会会议记录和照片。"
FIXED = "已补充支部党员大会会议记录和现场照片。"
SHORT_COMMENT = "落实不到位，请对照工作要求整改。"
RECTIFIED = "已对照要求整改：补开相关会议，完善台账资料，整改材料已归档。"


def _shares(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


# Share of each item's points given (cycled over the items), by the list's position in
# tree order (cycled): most lists do well, two of seven fall short on one item (below 60 %:
# a rectification); a weak list falls short on two.
SCORE_PATTERNS: tuple[tuple[Decimal, ...], ...] = (
    _shares("1"),
    _shares("0.9", "1"),
    _shares("1", "0.8", "1"),
    _shares("1", "0.4", "1", "1", "1", "0.9", "1", "1", "1"),
    _shares("0.7", "0.9"),
    _shares("1", "0.9", "0.8"),
    _shares("0.8", "1", "1", "1", "1", "0.5", "1", "1", "0.9"),
)
POOR = _shares("0.5", "0.8", "0.7", "1", "0.9", "0.5", "0.8", "1", "0.9")
GOOD = _shares("0.9", "1")


def account_for(item: ChecklistItem) -> str:
    return BY_INDICATOR.get(item.indicator) or BY_CATEGORY.get(item.category, BY_CATEGORY["other"])


def evidence_for(item: ChecklistItem, checklist: ResponsibilityList) -> list:
    """A meeting photo on a village's life item, a scanned ledger on the dues item."""
    org = checklist.organization
    seed = f"{org.code}-{checklist.year}Q{checklist.quarter}-{item.position}"
    period = f"{checklist.year}Q{checklist.quarter}"
    if item.indicator == Indicator.BRANCH_ASSEMBLIES and org.level == OrgLevel.VILLAGE:
        return [meeting_photo(f"{period}_支部党员大会.jpg", seed, period)]
    if item.indicator == Indicator.DUES_RATE:
        return [sign_in_sheet(f"{period}_党费收缴台账.png", seed)]
    if item.indicator == Indicator.LIFE_RECORDS:
        return [sign_in_sheet(f"{period}_督导记录.png", seed)]
    return []
