"""Training and education records (教育培训), for members and for development cases."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from .development import DevelopmentCase
from .member import Member


class TrainingRecordQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class TrainingRecord(models.Model):
    """One course attended. `organization` is where the person belonged when it was
    recorded, so per-organisation yearly totals do not move with later transfers."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="training_records",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("党员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_records",
    )
    case = models.ForeignKey(
        DevelopmentCase,
        verbose_name=_("发展对象"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_records",
    )
    course = models.CharField(_("课程或培训名称"), max_length=100)
    hours = models.DecimalField(
        _("学时"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("500"))],
    )
    attended_on = models.DateField(_("培训日期"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = TrainingRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("教育培训记录")
        verbose_name_plural = _("教育培训记录")
        ordering = ["-attended_on", "-pk"]
        indexes = [models.Index(fields=["organization", "attended_on"], name="training_org_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, case__isnull=True)
                | Q(member__isnull=True, case__isnull=False),
                name="training_member_or_case",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
        ]

    def __str__(self) -> str:
        person = self.member if self.member_id else self.case
        # A record being corrected in the admin may hold neither person (the page title
        # shows it): the constraint holds for saved rows only.
        name = person.name if person is not None else "—"
        return f"{name}：{self.course}（{self.hours} 学时）"
