"""Quarterly secretary responsibility lists (书记抓基层党建工作责任清单): templates and the
lists issued from them, their items, evidence and rectifications.

An issued list keeps its own snapshot of the template's items, so editing (a copy of) a
template never changes a list already in secretaries' hands.

The models came from the assessments app with their data: each keeps the table it had
there (`db_table`, and `table_name` for its history), so moving them renamed no table of a
live database.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.stored_files import StoredFile, stored_name
from orgs.models import Organization
from orgs.scope import OwnReportQuerySet

from .choices import (
    ChecklistLevel,
    Indicator,
    ItemCategory,
    ItemStatus,
    ListStatus,
    RectificationStatus,
)

YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]
POINTS = {"max_digits": 5, "decimal_places": 1}


class ChecklistTemplate(models.Model):
    """A template per level and year. Once lists were issued from it, it is copied (a new
    version), never edited in place; the highest version of a year is the current one."""

    level = models.CharField(_("适用层级"), max_length=10, choices=ChecklistLevel.choices)
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(table_name="assessments_historicalchecklisttemplate")

    class Meta:
        db_table = "assessments_checklisttemplate"
        verbose_name = _("责任清单模板")
        verbose_name_plural = _("责任清单模板")
        ordering = ["-year", "level", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "year", "version"], name="checklist_template_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} 年{self.get_level_display()}：{self.name}（第 {self.version} 版）"


class TemplateItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    category = models.CharField(_("类别"), max_length=15, choices=ItemCategory.choices)
    content = models.CharField(_("工作内容"), max_length=300)
    requirement = models.TextField(_("工作要求"))
    points = models.DecimalField(
        _("分值"), **POINTS, validators=[MinValueValidator(Decimal("0.5"))]
    )
    evidence_expected = models.CharField(_("佐证材料"), max_length=200, blank=True)
    due_in_days = models.PositiveSmallIntegerField(
        _("季度内完成天数"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(92)],
        help_text=_("自季度第一天起的天数；留空则以清单截止日期为准。"),
    )
    indicator = models.CharField(
        _("系统测量指标"), max_length=20, choices=Indicator.choices, blank=True
    )
    indicator_target = models.DecimalField(
        _("指标目标值"), max_digits=7, decimal_places=1, null=True, blank=True
    )

    history = HistoricalRecords(table_name="assessments_historicaltemplateitem")

    class Meta:
        db_table = "assessments_templateitem"
        verbose_name = _("模板条目")
        verbose_name_plural = _("模板条目")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="template_item_position"),
            models.CheckConstraint(condition=Q(points__gt=0), name="template_item_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.content}（{self.points} 分）"


class ResponsibilityListQuerySet(OwnReportQuerySet):
    """Read by staff and leaders over the organisation's subtree and by the secretary of
    the organisation itself only: a township secretary does not read the villages' lists
    (orgs.scope.subtree_or_own_q). The item, evidence and rectification querysets below
    follow the same rule through their list."""

    scope_prefix = "organization__"


class ResponsibilityList(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="responsibility_lists",
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("模板"), on_delete=models.PROTECT, related_name="lists"
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("书记"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsibility_lists",
        help_text=_("下发时该组织的书记账号；为空表示尚无书记账号。"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT
    )
    deadline = models.DateField(_("截止日期"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    late = models.BooleanField(_("逾期提交"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    total_score = models.DecimalField(_("得分"), **POINTS, null=True, blank=True)
    # Bumped on every save through the services: two reviewers working on the same list
    # get a conflict message instead of overwriting each other.
    revision = models.PositiveIntegerField(_("修订号"), default=0)
    issued_at = models.DateTimeField(_("下发时间"), auto_now_add=True)

    objects = ResponsibilityListQuerySet.as_manager()
    history = HistoricalRecords(table_name="assessments_historicalresponsibilitylist")

    class Meta:
        db_table = "assessments_responsibilitylist"
        verbose_name = _("书记抓基层党建工作责任清单")
        verbose_name_plural = _("书记抓基层党建工作责任清单")
        ordering = ["-year", "-quarter", "organization__path"]
        indexes = [
            models.Index(fields=["year", "quarter", "status"], name="checklist_quarter_status")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "quarter"], name="checklist_once_a_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="checklist_quarter_valid"
            ),
            models.CheckConstraint(
                condition=Q(total_score__isnull=True)
                | Q(total_score__gte=0) & Q(total_score__lte=100),
                name="checklist_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.year}年第{self.quarter}季度"

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}"


class ChecklistItemQuerySet(OwnReportQuerySet):
    scope_prefix = "checklist__organization__"


class ChecklistItem(models.Model):
    """One item of an issued list: the template item's snapshot plus the report and score."""

    checklist = models.ForeignKey(
        ResponsibilityList, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    category = models.CharField(_("类别"), max_length=15, choices=ItemCategory.choices)
    content = models.CharField(_("工作内容"), max_length=300)
    requirement = models.TextField(_("工作要求"))
    points = models.DecimalField(_("分值"), **POINTS)
    evidence_expected = models.CharField(_("佐证材料"), max_length=200, blank=True)
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    indicator = models.CharField(
        _("系统测量指标"), max_length=20, choices=Indicator.choices, blank=True
    )
    indicator_target = models.DecimalField(
        _("指标目标值"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    status = models.CharField(
        _("进展"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    account = models.TextField(_("落实情况"), blank=True)
    measured_value = models.DecimalField(
        _("系统测量值"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    score = models.DecimalField(_("评分"), **POINTS, null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=300, blank=True)
    needs_rectification = models.BooleanField(_("需整改"), default=False)

    objects = ChecklistItemQuerySet.as_manager()
    history = HistoricalRecords(table_name="assessments_historicalchecklistitem")

    class Meta:
        db_table = "assessments_checklistitem"
        verbose_name = _("责任清单条目")
        verbose_name_plural = _("责任清单条目")
        ordering = ["checklist", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "position"], name="checklist_item_position"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0) & Q(score__lte=F("points")),
                name="checklist_item_score_within_points",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.content}"


def evidence_path(instance: ChecklistEvidence, filename: str) -> str:
    return stored_name("checklists", instance.item.checklist_id, instance.content_type)


class ChecklistEvidenceQuerySet(OwnReportQuerySet):
    scope_prefix = "item__checklist__organization__"


class ChecklistEvidence(StoredFile):
    """A photo or PDF attached to an item as evidence; served through a scoped view."""

    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("条目"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to=evidence_path)

    objects = ChecklistEvidenceQuerySet.as_manager()

    class Meta(StoredFile.Meta):
        db_table = "assessments_checklistevidence"
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")


class RectificationQuerySet(OwnReportQuerySet):
    scope_prefix = "item__checklist__organization__"


class Rectification(models.Model):
    """What fell short on an item (整改): a deadline, a responsible person, the report."""

    item = models.OneToOneField(
        ChecklistItem,
        verbose_name=_("条目"),
        on_delete=models.CASCADE,
        related_name="rectification",
    )
    requirement = models.TextField(_("整改要求"))
    responsible_person = models.CharField(_("责任人"), max_length=30)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    report = models.TextField(_("整改情况"), blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    objects = RectificationQuerySet.as_manager()
    history = HistoricalRecords(table_name="assessments_historicalrectification")

    class Meta:
        db_table = "assessments_rectification"
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return f"{self.item}（{self.get_status_display()}）"
