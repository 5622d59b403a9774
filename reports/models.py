"""Progress bulletins (进展通报): one stored PDF per scope organisation and period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.periods import MONTH, QUARTER, Period
from orgs.models import Organization
from orgs.scope import ScopedQuerySet


class BulletinQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class Bulletin(models.Model):
    """One per (organisation, period): regenerating replaces the file of the same record
    (the history keeps who asked and when), so a scope never has two bulletins for one
    period. Rule for the schedule: it keeps a finished bulletin and only (re)builds a
    missing, queued or failed one; a person asking for one rebuilds it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("生成失败")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("手动生成")
        SCHEDULE = "schedule", _("定时生成")

    class PeriodKind(models.TextChoices):
        QUARTER = QUARTER, _("季度")
        MONTH = MONTH, _("月度")

    organization = models.ForeignKey(
        Organization, verbose_name=_("通报范围"), on_delete=models.PROTECT, related_name="+"
    )
    period_kind = models.CharField(_("期间类型"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("季度/月份"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    trigger = models.CharField(_("生成方式"), max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    file = models.FileField(_("PDF 文件"), upload_to="bulletins/%Y/", blank=True)
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("失败原因"), blank=True)

    objects = BulletinQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("进展通报")
        verbose_name_plural = _("进展通报")
        ordering = ["-year", "-number", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period_kind", "year", "number"],
                name="one_bulletin_per_scope_and_period",
            ),
            models.CheckConstraint(
                condition=(Q(period_kind=QUARTER) & Q(number__gte=1, number__lte=4))
                | (Q(period_kind=MONTH) & Q(number__gte=1, number__lte=12)),
                name="bulletin_period_number_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.period.label}"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.year, self.number)
