"""Village cadres' yearly pay (报酬), health check and performance grade, and the county's
pay standard they are held against."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from ..choices import CadreGrade
from .person import PersonRecord


class OrgScopedQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


MONEY = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class PayStandard(models.Model):
    """The yearly minimum a village cadre should receive in total (基本报酬 + 绩效), set by
    a county (or any organisation above villages) for its subtree; the nearest standard
    above a village applies."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("制定标准的党组织"),
        on_delete=models.CASCADE,
        related_name="cadre_pay_standards",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    minimum_total = models.DecimalField(_("年报酬标准（元）"), **MONEY)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrgScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("村干部报酬标准")
        verbose_name_plural = _("村干部报酬标准")
        ordering = ["organization", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="pay_standard_key")
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.year}年 {self.minimum_total}元"


class CadrePay(PersonRecord):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="cadre_pay",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    post = models.CharField(_("职务"), max_length=40, blank=True)
    base_pay = models.DecimalField(_("基本报酬（元）"), **MONEY)
    performance_pay = models.DecimalField(_("绩效报酬（元）"), default=0, **MONEY)
    health_check_done = models.BooleanField(_("当年已体检"), default=False)
    grade = models.CharField(
        _("年度绩效评价"), max_length=12, choices=CadreGrade.choices, blank=True
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrgScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("村干部报酬与考核")
        verbose_name_plural = _("村干部报酬与考核")
        ordering = ["organization", "-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "id_number", "year"], name="cadre_pay_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.name} {self.year}年"

    @property
    def total(self):
        return (self.base_pay or 0) + (self.performance_pay or 0)
