"""Fixed vocabularies of the funds, sites and economy tables (DATA_DICTIONARY.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundCategory(models.TextChoices):
    WORK = "work", _("工作经费")
    ACTIVITY = "activity", _("活动经费")
    CADRE_PAY = "cadre_pay", _("干部报酬")
    VENUE = "venue", _("阵地建设")
    EDUCATION = "education", _("党员教育")
    HARDSHIP = "hardship", _("困难党员帮扶")
    ECONOMY = "economy", _("集体经济扶持")
    OTHER = "other", _("其他")


class FundSource(models.TextChoices):
    FISCAL = "fiscal", _("财政预算")
    DUES_RETURN = "dues_return", _("党费返还")
    EMPLOYER = "employer", _("单位列支")
    DONATION = "donation", _("社会捐助")
    ENTERPRISE = "enterprise", _("企业帮扶")
    OTHER = "other", _("其他")


class ProjectType(models.TextChoices):
    VILLAGE_VENUE = "village_venue", _("村级组织活动场所")
    SERVICE_CENTER = "service_center", _("党群服务中心")
    SERVICE_HALL = "service_hall", _("便民服务大厅")
    SERVICE_STATION = "service_station", _("便民服务站")
    REMOTE_EDUCATION = "remote_education", _("远程教育站点")
    DEMONSTRATION = "demonstration", _("党建示范点")
    RED_PROPERTY = "red_property", _("红色物业")
    OTHER = "other", _("其他")


class ConstructionNature(models.TextChoices):
    NEW = "new", _("新建")
    EXTENSION = "extension", _("改扩建")
    UPGRADE = "upgrade", _("提升改造")


class ProjectStage(models.TextChoices):
    SURVEY = "survey", _("调研论证")
    DESIGN = "design", _("规划设计")
    CONSTRUCTION = "construction", _("在建")
    COMPLETED = "completed", _("已竣工")
    ACCEPTED = "accepted", _("已验收")


STAGE_ORDER: tuple[str, ...] = tuple(ProjectStage.values)
STAGES_STARTED = (ProjectStage.CONSTRUCTION, ProjectStage.COMPLETED, ProjectStage.ACCEPTED)
STAGES_FINISHED = (ProjectStage.COMPLETED, ProjectStage.ACCEPTED)


class Room(models.TextChoices):
    PARTY_ACTIVITY = "party_activity", _("党员活动室")
    MEETING = "meeting", _("会议室")
    OFFICE = "office", _("办公室")
    SERVICE = "service", _("便民服务室")
    REMOTE_EDUCATION = "remote_education", _("远程教育室")
    READING = "reading", _("图书阅览室")
    CULTURE = "culture", _("文化活动室")
    CLINIC = "clinic", _("卫生室")
    POLICE = "police", _("警务室")
    MEDIATION = "mediation", _("综治调解室")
    SHOP = "shop", _("便民超市")
    SQUARE = "square", _("文体广场")


# "八室一超市一广场": the standard layout of a village venue (DOMAIN.md). 警务室 and
# 综治调解室 are common but not part of the standard.
STANDARD_VILLAGE_ROOMS: tuple[str, ...] = (
    Room.PARTY_ACTIVITY,
    Room.MEETING,
    Room.OFFICE,
    Room.SERVICE,
    Room.REMOTE_EDUCATION,
    Room.READING,
    Room.CULTURE,
    Room.CLINIC,
    Room.SHOP,
    Room.SQUARE,
)
