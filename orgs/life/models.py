"""Organisation life records (组织生活): the models. orgs.models imports them, so they
belong to the orgs app."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.stored_files import StoredFile, stored_name

from ..choices import MeetingKind
from ..scope import ScopedQuerySet


class MeetingRequirement(models.Model):
    """How often a kind of meeting is expected (configuration; defaults from DOMAIN.md)."""

    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices, unique=True)
    period_months = models.PositiveSmallIntegerField(
        _("周期（月）"), help_text=_("1 = 每月，3 = 每季度，12 = 每年。")
    )
    times_per_period = models.PositiveSmallIntegerField(
        _("每周期至少次数"), default=1, validators=[MinValueValidator(1)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("组织生活要求")
        verbose_name_plural = _("组织生活要求")
        ordering = ["period_months", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_months__in=[1, 3, 6, 12]), name="meeting_period_valid"
            )
        ]

    def __str__(self) -> str:
        months, times = self.period_months, self.times_per_period
        return f"{self.get_kind_display()}：每 {months} 个月至少 {times} 次"


class OrgLifeRecordQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class OrgLifeRecord(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="life_records",
    )
    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("召开日期"))
    topic = models.CharField(_("主题"), max_length=200)
    expected = models.PositiveSmallIntegerField(_("应到人数"), validators=[MinValueValidator(1)])
    present = models.PositiveSmallIntegerField(_("实到人数"))
    minutes = models.TextField(_("会议记录"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrgLifeRecordQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("组织生活记录")
        verbose_name_plural = _("组织生活记录")
        ordering = ["-held_on", "-pk"]
        indexes = [
            # Required vs recorded per organisation and quarter, for a whole subtree.
            models.Index(fields=["held_on", "kind", "organization"], name="life_date_kind_org")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(expected__gte=1), name="life_expected_positive"),
            models.CheckConstraint(
                condition=Q(present__lte=F("expected")), name="life_present_within_expected"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}：{self.topic}"

    @property
    def quorate(self) -> bool:
        """More than half of those expected present: the estimate from the head counts.
        With attendance by name only 正式党员 count (orgs.life.selectors.quorum_of)."""
        return self.present * 2 > self.expected


def life_attachment_path(instance: OrgLifeAttachment, filename: str) -> str:
    return stored_name("life", instance.record_id, instance.content_type)


class OrgLifeAttachmentQuerySet(ScopedQuerySet):
    scope_prefix = "record__organization__"


class OrgLifeAttachment(StoredFile):
    """A photo or scan of a meeting; served only through a view that checks scope."""

    record = models.ForeignKey(
        OrgLifeRecord, verbose_name=_("记录"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=life_attachment_path)

    objects = OrgLifeAttachmentQuerySet.as_manager()

    class Meta(StoredFile.Meta):
        verbose_name = _("组织生活附件")
        verbose_name_plural = _("组织生活附件")
