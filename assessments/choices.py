"""Vocabularies of assessment: health-rule thresholds, 述职评议 grades, the 标准化规范化 score
sheet and the weak-and-lax register."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThresholdKey(models.TextChoices):
    """The figures of the health rules (DOMAIN.md, Organisations); configuration."""

    MIN_VILLAGE_MEMBERS = "min_village_members", _("村（社区）党员少于此数即提示")
    YOUNG_AGE = "young_age", _("“无青年党员”的年龄线（周岁）")
    MAX_BRANCH_MEMBERS = "max_branch_members", _("党支部党员超过此数即提示")
    MIN_FULL_MEMBERS = "min_full_members", _("党支部正式党员少于此数即提示")
    TERM_EXPIRING_MONTHS = "term_expiring_months", _("任期届满前此月数内提示换届")
    GENERAL_BRANCH_MIN_MEMBERS = (
        "general_branch_min_members",
        _("党总支党员不超过此数即提醒（党员超过此数方设党总支）"),
    )
    COMMITTEE_MIN_MEMBERS = (
        "committee_min_members",
        _("基层党委党员少于此数即提醒；村党员达到此数可设党委"),
    )
    JOINT_BRANCH_MAX_UNITS = "joint_branch_max_units", _("联合党支部所含单位超过此数即提醒")
    SECRETARY_VACANT_DAYS = (
        "secretary_vacant_days",
        _("书记空缺超过此天数即提醒（书记长期缺职属软弱涣散情形）"),
    )
    GENERAL_BRANCH_SEATS_MAX = (
        "general_branch_seats_max",
        _("党总支在任委员超过此数即提醒"),
    )
    BASE_COMMITTEE_SEATS_MAX = "base_committee_seats_max", _("基层党委在任委员超过此数即提醒")
    STANDARD_PASS_SCORE = "standard_pass_score", _("标准化规范化达标分数线")
    REVIEW_LIST_WEIGHT = (
        "review_list_weight",
        _("述职评议：责任清单得分的权重（%，其余为组织体检）"),
    )
    REVIEW_DANGER_PENALTY = "review_danger_penalty", _("述职评议：每个组织每项严重问题扣分")
    REVIEW_WARNING_PENALTY = "review_warning_penalty", _("述职评议：每个组织每项提醒扣分")
    REVIEW_GOOD_MIN = "review_good_min", _("述职评议：建议“好”的最低综合分")
    REVIEW_FAIRLY_GOOD_MIN = "review_fairly_good_min", _("述职评议：建议“较好”的最低综合分")
    REVIEW_AVERAGE_MIN = "review_average_min", _("述职评议：建议“一般”的最低综合分")


THRESHOLD_DEFAULTS: dict[str, int] = {
    ThresholdKey.MIN_VILLAGE_MEMBERS: 10,
    ThresholdKey.YOUNG_AGE: 40,
    ThresholdKey.MAX_BRANCH_MEMBERS: 50,
    ThresholdKey.MIN_FULL_MEMBERS: 3,
    ThresholdKey.TERM_EXPIRING_MONTHS: 6,
    ThresholdKey.GENERAL_BRANCH_MIN_MEMBERS: 50,
    ThresholdKey.COMMITTEE_MIN_MEMBERS: 100,
    ThresholdKey.JOINT_BRANCH_MAX_UNITS: 5,
    ThresholdKey.SECRETARY_VACANT_DAYS: 90,
    ThresholdKey.GENERAL_BRANCH_SEATS_MAX: 9,
    ThresholdKey.BASE_COMMITTEE_SEATS_MAX: 9,
    ThresholdKey.STANDARD_PASS_SCORE: 80,
    ThresholdKey.REVIEW_LIST_WEIGHT: 70,
    ThresholdKey.REVIEW_DANGER_PENALTY: 20,
    ThresholdKey.REVIEW_WARNING_PENALTY: 5,
    ThresholdKey.REVIEW_GOOD_MIN: 90,
    ThresholdKey.REVIEW_FAIRLY_GOOD_MIN: 80,
    ThresholdKey.REVIEW_AVERAGE_MIN: 60,
}


class ReviewGrade(models.TextChoices):
    """述职评议 grades of a secretary (DOMAIN.md, Assessment), best first."""

    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("差")


# 标准化规范化 score sheet (DOMAIN.md, Assessment): (code, name, points); configuration
# (StandardDimension), these are the defaults, 100 points in all.
STANDARD_DIMENSIONS: tuple[tuple[str, str, int], ...] = (
    ("setup", "组织设置", 15),
    ("leadership", "班子建设", 15),
    ("members", "党员队伍", 15),
    ("life", "组织生活", 20),
    ("venue", "阵地建设", 10),
    ("records", "台账资料", 15),
    ("support", "基础保障", 10),
)

# Star grade by total score (DOMAIN.md): the lowest score of each grade.
STAR_BANDS: tuple[tuple[int, int], ...] = ((90, 5), (80, 4), (70, 3), (60, 2), (0, 1))


class WeakLaxSituation(models.TextChoices):
    """The standard situations of a weak-and-lax (软弱涣散) organisation."""

    LEADERSHIP_DISUNITED = "disunited", _("班子不团结、内耗严重，工作无法正常开展")
    SECRETARY_UNFIT = "secretary_unfit", _("书记长期缺职、不胜任现职或工作不在状态")
    ORGANISATION_INACTIVE = "inactive", _("组织软弱、不作为，党员管理松散")
    INTERFERENCE = "interference", _("宗族宗教、黑恶势力等干扰渗透")
    ELECTION_DISPUTES = "election_disputes", _("换届选举等矛盾纠纷突出")
    WEAK_ECONOMY = "weak_economy", _("集体经济薄弱、发展思路不清")
    LIFE_IRREGULAR = "life_irregular", _("组织生活不正常，“三会一课”等制度不落实")
    AFFAIRS_CHAOTIC = "affairs_chaotic", _("村务、财务管理混乱")
    PUBLIC_ORDER = "public_order", _("社会治安问题和信访矛盾集中")
    POOR_SERVICE = "poor_service", _("服务群众意识淡薄，群众反映强烈")


class WeakLaxStatus(models.TextChoices):
    RECTIFYING = "rectifying", _("整顿中")
    CLOSED = "closed", _("已销号")
    REVIEW = "review", _("回头看")


# While an entry is in one of these states the organisation is flagged 软弱涣散.
FLAGGED_STATUSES = (WeakLaxStatus.RECTIFYING,)
