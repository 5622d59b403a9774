"""Village collective economy (村级集体经济): one income record per village and year."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from .funds import YEAR_VALIDATORS

WAN = {"max_digits": 12, "decimal_places": 2}


class EconomyRecordQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class EconomyRecord(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("村级组织"),
        on_delete=models.PROTECT,
        related_name="economy_records",
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    total_income = models.DecimalField(
        _("集体经济总收入（万元）"), **WAN, validators=[MinValueValidator(Decimal("0"))]
    )
    operating_income = models.DecimalField(
        _("经营性收入（万元）"),
        **WAN,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    development_model = models.CharField(_("发展模式"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EconomyRecordQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("村级集体经济")
        verbose_name_plural = _("村级集体经济")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="economy_once_a_year"),
            models.CheckConstraint(
                condition=Q(total_income__gte=0), name="economy_income_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(operating_income__isnull=True)
                | Q(operating_income__gte=0) & Q(operating_income__lte=F("total_income")),
                name="economy_operating_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.year}"
