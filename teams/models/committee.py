"""班子成员: who sat on an organisation's committee, in which post, from when to when."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from ..choices import Origin, Position
from .person import PersonRecord


class CommitteeMemberQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"

    def in_post_on(self, day: datetime.date) -> CommitteeMemberQuerySet:
        """Those in post on `day`: started on or before it, not yet left (the day they
        leave is their first day out of post)."""
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )

    def secretaries(self) -> CommitteeMemberQuerySet:
        return self.filter(position=Position.SECRETARY)


class CommitteeMember(PersonRecord):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="committee_members",
    )
    position = models.CharField(_("职务"), max_length=16, choices=Position.choices)
    concurrent_post = models.CharField(
        _("兼任职务"),
        max_length=40,
        blank=True,
        help_text=_("如村民委员会主任、居民委员会主任（“一肩挑”）。"),
    )
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    origin = models.CharField(_("产生方式"), max_length=12, choices=Origin.choices, blank=True)
    leave_reason = models.CharField(_("离任原因"), max_length=100, blank=True)
    election = models.ForeignKey(
        "teams.Election",
        verbose_name=_("选举"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="elected",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CommitteeMemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("班子成员")
        verbose_name_plural = _("班子成员")
        ordering = ["organization", "ended_on", "position", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "id_number", "position", "started_on"],
                condition=~Q(id_number=""),
                name="committee_member_key",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
                name="committee_member_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(position__in=Position.values), name="committee_member_position_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "position", "ended_on"], name="committee_org_post_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.get_position_display()} {self.name}"

    def in_post_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.started_on and self.started_on > timezone.localdate():
            errors["started_on"] = _("任职日期不能晚于今天。")
        if self.ended_on and self.started_on and self.ended_on <= self.started_on:
            errors["ended_on"] = _("离任日期应晚于任职日期。")
        if errors:
            raise ValidationError(errors)
