"""选派干部: 第一书记, 驻村工作队员 and 大学生村干部 serving in a village or community."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from ..choices import PostingKind
from .person import PersonRecord


class PostingQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"

    def serving_on(self, day) -> PostingQuerySet:
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )


class Posting(PersonRecord):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="postings",
    )
    kind = models.CharField(_("类别"), max_length=16, choices=PostingKind.choices)
    from_unit = models.CharField(_("派出单位"), max_length=100, blank=True)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PostingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("选派干部")
        verbose_name_plural = _("选派干部")
        ordering = ["organization", "kind", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "id_number", "kind", "started_on"], name="posting_key"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
                name="posting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on <= self.started_on:
            raise ValidationError({"ended_on": _("结束日期应晚于开始日期。")})
