"""The responsibility-list templates the portal ships (DOMAIN.md), which staff then adapt.

Each item: (category, content, requirement, points, evidence expected, indicator, target).
Every template totals 100 points.
"""

from __future__ import annotations

from decimal import Decimal

VILLAGE = (
    ("life", "落实“三会一课”等组织生活制度",
     "每季度至少召开 1 次支部党员大会，按月召开支委会、党小组会，按季度上党课，每月开展主题党日。",
     20, "会议记录、照片", "branch_assemblies", 1),
    ("members", "按计划发展党员",
     "按年度计划做好入党积极分子培养和发展党员工作，严格履行发展程序。",
     10, "发展党员材料", "new_members", None),
    ("members", "按时足额收缴党费", "按党费标准按月收缴党费，做到应收尽收。",
     10, "党费收缴台账", "dues_rate", 100),
    ("members", "加强流动党员管理", "与流动党员每季度至少联系 1 次，掌握其思想和工作情况。",
     10, "联系记录", "", None),
    ("venue", "用好村级组织活动场所", "活动场所正常开放、规范使用，开展为民服务活动。",
     10, "照片、服务记录", "", None),
    ("organisation", "推进软弱涣散党组织整顿和后进转化", "对照整顿台账落实整顿措施，按期销号。",
     10, "整顿台账、整改材料", "", None),
    ("economy", "发展壮大村级集体经济", "落实集体经济发展项目，增加集体经营性收入。",
     15, "项目材料、收入台账", "", None),
    ("funding", "规范使用村级组织工作经费", "经费及时拨付、专款专用、公开透明。",
     5, "经费使用台账", "funds_execution", 75),
    ("governance", "党组织领导基层治理", "化解矛盾纠纷，办好为民实事，落实“四议两公开”。",
     10, "会议记录、公示材料", "", None),
)  # fmt: skip

TOWNSHIP = (
    ("organisation", "抓好村（社区）党组织建设", "督促所辖党组织按期换届、配齐班子，书记队伍稳定。",
     15, "换届材料、工作记录", "", None),
    ("life", "督促指导“三会一课”落实", "督促所辖党支部按要求开展组织生活并及时记录。",
     15, "督导记录", "life_records", None),
    ("members", "抓好发展党员工作", "落实年度发展党员计划，规范发展程序。",
     10, "发展党员统计", "new_members", None),
    ("members", "抓好党费收缴", "督促所辖党组织按月足额收缴党费。",
     10, "党费收缴统计", "dues_rate", 100),
    ("organisation", "整顿软弱涣散村党组织", "落实整顿措施和包联责任，按期销号并开展回头看。",
     15, "整顿台账", "", None),
    ("funding", "落实基层党建经费保障", "村级组织工作经费按标准足额拨付。",
     10, "经费拨付台账", "funds_execution", 75),
    ("venue", "推进阵地建设", "阵地建设项目按计划推进、按期竣工验收。",
     10, "项目进度材料", "", None),
    ("economy", "发展壮大村级集体经济", "消除集体经济空壳村，推动收入稳步增长。",
     15, "集体经济统计", "", None),
)  # fmt: skip

DEFAULT_TEMPLATES = {
    "village": ("村级党组织书记抓基层党建工作责任清单", VILLAGE),
    "township": ("乡镇（街道）党（工）委书记抓基层党建工作责任清单", TOWNSHIP),
}


def load_default_templates(template_model, item_model, year: int) -> int:
    """Create the shipped templates for `year` where that level has none yet (works with
    historical models in migrations). Returns how many were created."""
    created = 0
    for level, (name, items) in DEFAULT_TEMPLATES.items():
        if template_model.objects.filter(level=level).exists():
            continue
        template = template_model.objects.create(level=level, year=year, version=1, name=name)
        for position, (
            category,
            content,
            requirement,
            points,
            evidence,
            indicator,
            target,
        ) in enumerate(items, start=1):
            item_model.objects.create(
                template=template,
                position=position,
                category=category,
                content=content,
                requirement=requirement,
                points=Decimal(points),
                evidence_expected=evidence,
                indicator=indicator,
                indicator_target=None if target is None else Decimal(target),
            )
        created += 1
    return created
