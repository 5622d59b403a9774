"""Vocabularies of the quarterly responsibility lists: template levels, item categories,
the measured indicators and the states of a list, an item and a rectification."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChecklistLevel(models.TextChoices):
    """Which template a list is issued from (DOMAIN.md: 乡镇级, 村级, 机关/其他)."""

    TOWNSHIP = "township", _("乡镇级")
    VILLAGE = "village", _("村级")
    OTHER = "other", _("机关/其他")


class ItemCategory(models.TextChoices):
    ORGANISATION = "organisation", _("组织建设")
    MEMBERS = "members", _("党员队伍")
    LIFE = "life", _("组织生活")
    VENUE = "venue", _("阵地建设")
    FUNDING = "funding", _("经费保障")
    GOVERNANCE = "governance", _("基层治理")
    ECONOMY = "economy", _("集体经济")
    OTHER = "other", _("其他")


class Indicator(models.TextChoices):
    """What the portal can measure itself from the data it holds (never clicks, log-ins or
    study time: DOMAIN.md). The measured value is compared as "at least the target"."""

    BRANCH_ASSEMBLIES = "branch_assemblies", _("本季度召开支部党员大会次数")
    LIFE_RECORDS = "life_records", _("本季度组织生活记录条数")
    NEW_MEMBERS = "new_members", _("本季度发展党员人数")
    DUES_RATE = "dues_rate", _("本季度党费收缴率（%）")
    FUNDS_EXECUTION = "funds_execution", _("本年度党建经费执行率（%）")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("未提交")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("已审核")


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开展")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    REPORTED = "reported", _("已报告整改情况")
    CLOSED = "closed", _("已整改销号")
