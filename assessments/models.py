"""Assessment records: health-rule thresholds and the weak-and-lax register (issue 6)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from .choices import ThresholdKey, WeakLaxStatus


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

    The organisation's `is_weak_and_lax` flag follows these entries (assessments.register
    service); it is never set by hand separately.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="weak_lax_entries",
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
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
