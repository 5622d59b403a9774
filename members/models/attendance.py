"""Attendance by name of an organisation life record (三会一课): one row per member listed,
present, on leave (请假, with the reason) or absent. The record keeps its head counts, which
follow from these rows once they exist (members.services.attendance)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.scope import ScopedQuerySet

from .member import Member

REASON_MAX = 100


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class AttendanceQuerySet(ScopedQuerySet):
    scope_prefix = "record__organization__"


class Attendance(models.Model):
    record = models.ForeignKey(
        "orgs.OrgLifeRecord",
        verbose_name=_("组织生活记录"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(
        _("出席情况"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.PRESENT,
    )
    reason = models.CharField(_("请假事由"), max_length=REASON_MAX, blank=True)

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        ordering = ["record", "member__name", "member"]
        constraints = [
            models.UniqueConstraint(fields=["record", "member"], name="attendance_one_per_member"),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
            # 请假 always with its reason; a reason only for 请假.
            models.CheckConstraint(
                condition=(Q(status=AttendanceStatus.LEAVE) & ~Q(reason=""))
                | (~Q(status=AttendanceStatus.LEAVE) & Q(reason="")),
                name="attendance_reason_with_leave",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name}：{self.get_status_display()}"
