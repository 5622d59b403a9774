"""Fixed vocabularies of the organisation table (DATA_DICTIONARY.md, orgs)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    PARTY_COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")
    TEMPORARY_BRANCH = "temporary_branch", _("临时党支部")


class OrgLevel(models.TextChoices):
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")
    VILLAGE = "village", _("村级")
    OTHER = "other", _("其他")


# Lower number = higher level. "其他" (organ, school, enterprise units …) ranks with the
# village level: it may sit under any organisation, and nothing above village level under it.
LEVEL_RANK: dict[str, int] = {
    OrgLevel.CITY: 1,
    OrgLevel.COUNTY: 2,
    OrgLevel.TOWNSHIP: 3,
    OrgLevel.VILLAGE: 4,
    OrgLevel.OTHER: 4,
}


class OrgDomain(models.TextChoices):
    RURAL = "rural", _("农村")
    URBAN_COMMUNITY = "community", _("城市社区")
    ORGAN = "organ", _("机关")
    INSTITUTION = "institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    PRIVATE_ENTERPRISE = "private_enterprise", _("非公有制企业")
    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")
    SCHOOL = "school", _("学校")
    PARK = "park", _("园区")
    OTHER = "other", _("其他")


class TermStatus(models.TextChoices):
    UNKNOWN = "unknown", _("未录入")
    NORMAL = "normal", _("正常")
    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已到期")


class MeetingKind(models.TextChoices):
    """Organisation life (组织生活, "三会一课" and the rest; DOMAIN.md)."""

    BRANCH_ASSEMBLY = "branch_assembly", _("支部党员大会")
    COMMITTEE_MEETING = "committee_meeting", _("支委会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    LIFE_MEETING = "life_meeting", _("组织生活会")
    MEMBER_EVALUATION = "member_evaluation", _("民主评议党员")


# Default expected frequency (months per period, times per period), DOMAIN.md; staff change
# them in MeetingRequirement.
MEETING_DEFAULTS: dict[str, tuple[int, int]] = {
    MeetingKind.BRANCH_ASSEMBLY: (3, 1),
    MeetingKind.COMMITTEE_MEETING: (1, 1),
    MeetingKind.GROUP_MEETING: (1, 1),
    MeetingKind.PARTY_LECTURE: (3, 1),
    MeetingKind.THEME_DAY: (1, 1),
    MeetingKind.LIFE_MEETING: (12, 1),
    MeetingKind.MEMBER_EVALUATION: (12, 1),
}
