"""The fixed vocabularies of leadership teams and elections (DOMAIN.md, 班子与换届)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Position(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY = "deputy", _("副书记")
    ORGANIZATION = "organization", _("组织委员")
    PUBLICITY = "publicity", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")
    MEMBER = "member", _("委员")


class Origin(models.TextChoices):
    """How a committee member came to the post."""

    ELECTED = "elected", _("选举")
    APPOINTED = "appointed", _("任命")
    POSTED = "posted", _("选派")


class ElectionMethod(models.TextChoices):
    COMPETITIVE = "competitive", _("差额")
    EQUAL = "equal", _("等额")


class VettingBody(models.TextChoices):
    """The bodies of the 资格联审 of a 村（社区）书记 candidate."""

    DISCIPLINE = "discipline", _("纪检监察")
    POLICE = "police", _("公安")
    PETITIONS = "petitions", _("信访")
    OTHER = "other", _("其他")


#: the bodies whose pass a candidate needs before the review counts as passed
REQUIRED_VETTING_BODIES: tuple[str, ...] = (
    VettingBody.DISCIPLINE,
    VettingBody.POLICE,
    VettingBody.PETITIONS,
)


class PostingKind(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    WORK_TEAM = "work_team", _("工作队员")
    GRADUATE = "graduate", _("大学生村干部")


class ReserveStatus(models.TextChoices):
    ACTIVE = "active", _("储备中")
    USED = "used", _("已使用")
    REMOVED = "removed", _("已调出")


class CadreGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")
