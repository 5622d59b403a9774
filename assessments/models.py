"""Assessment records: the health-rule thresholds, the weak-and-lax register, the
标准化规范化 dimensions and score sheets, and the secretaries' 述职评议."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from .choices import ReviewGrade, ThresholdKey, WeakLaxStatus

#: the years a record may be of (the services also refuse a year after this one)
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


class HealthThreshold(models.Model):
    key = models.CharField(_("规则"), max_length=30, choices=ThresholdKey.choices, unique=True)
    value = models.PositiveSmallIntegerField(_("数值"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("组织健康规则阈值")
        verbose_name_plural = _("组织健康规则阈值")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.get_key_display()}：{self.value}"


class WeakLaxEntryQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class WeakLaxEntry(models.Model):
    """One organisation's rectification as a weak-and-lax organisation in one year.

    The organisation's `is_weak_and_lax` flag follows these entries
    (assessments.register.services.sync_flag); it is never set by hand separately.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="weak_lax_entries",
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    situations = models.JSONField(_("存在情形"), default=list)
    measures = models.TextField(_("整顿措施"))
    responsible_person = models.CharField(_("责任人"), max_length=30)
    deadline = models.DateField(_("整顿期限"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=WeakLaxStatus.choices,
        default=WeakLaxStatus.RECTIFYING,
    )
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    review_on = models.DateField(_("回头看日期"), null=True, blank=True)
    review_result = models.TextField(_("回头看结果"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = WeakLaxEntryQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("软弱涣散整顿台账")
        verbose_name_plural = _("软弱涣散整顿台账")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="weaklax_once_a_year"),
            models.CheckConstraint(
                condition=Q(status=WeakLaxStatus.RECTIFYING) | Q(closed_on__isnull=False),
                name="weaklax_closed_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status=WeakLaxStatus.REVIEW) | Q(review_on__isnull=False),
                name="weaklax_review_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.year}（{self.get_status_display()}）"


class StandardDimension(models.Model):
    """One dimension of the yearly 标准化规范化 score sheet (configuration)."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=30)
    max_points = models.PositiveSmallIntegerField(
        _("满分"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("标准化规范化评分项")
        verbose_name_plural = _("标准化规范化评分项")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.max_points} 分）"


class StandardScoreSheetQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class StandardScoreSheet(models.Model):
    """A branch's 标准化规范化 score for a year, entered by staff. `scores` maps dimension
    codes to points; `total` is their sum, kept by the service that saves the sheet."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="standard_score_sheets",
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    scores = models.JSONField(_("各项得分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("评价意见"), blank=True)
    assessed_on = models.DateField(_("评定日期"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = StandardScoreSheetQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("标准化规范化评分")
        verbose_name_plural = _("标准化规范化评分")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="standard_once_a_year"),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=100), name="standard_total_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.year}：{self.total} 分"


class SecretaryReviewQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class SecretaryReview(models.Model):
    """The annual 述职评议 of an organisation's secretary: the grade staff give, beside the
    grade the portal suggested from the year's list scores and health findings. The
    figures the suggestion used are kept with it, so a later change of the data or of the
    weights does not rewrite what the reviewer saw."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="secretary_reviews",
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    secretary_name = models.CharField(_("书记姓名"), max_length=30, blank=True)
    list_average = models.DecimalField(
        _("责任清单平均得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    approved_lists = models.PositiveSmallIntegerField(_("已审核清单数"), default=0)
    danger_findings = models.PositiveIntegerField(_("严重问题数"), default=0)
    warning_findings = models.PositiveIntegerField(_("提醒数"), default=0)
    organizations = models.PositiveIntegerField(_("所辖组织数"), default=1)
    suggested_score = models.DecimalField(
        _("建议综合分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    suggested_grade = models.CharField(
        _("建议等次"), max_length=12, choices=ReviewGrade.choices, blank=True
    )
    grade = models.CharField(_("评定等次"), max_length=12, choices=ReviewGrade.choices)
    comment = models.TextField(_("评议意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("评定时间"))

    objects = SecretaryReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("书记述职评议")
        verbose_name_plural = _("书记述职评议")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="secretary_review_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.year}：{self.get_grade_display()}"
