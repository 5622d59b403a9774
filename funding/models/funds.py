"""Budget lines for base-level party work and the instalments that pay them out."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.keys import KeyField
from core.numbers import rate
from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from ..choices import FundCategory, FundSource

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class FundLineQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class FundLine(models.Model):
    """One budget line (经费): money budgeted for an organisation in a year.

    `disbursed` is the sum of the line's Disbursements, kept on the row by
    `funding.services.funds` only (never typed), so that the database can enforce
    0 ≤ disbursed ≤ budget and the funding page sums one table.
    """

    code = KeyField(_("经费编号"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="fund_lines"
    )
    category = models.CharField(_("经费类别"), max_length=12, choices=FundCategory.choices)
    source = models.CharField(_("资金来源"), max_length=12, choices=FundSource.choices)
    budget = models.DecimalField(
        _("预算金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    disbursed = models.DecimalField(
        _("已拨付金额（元）"), **MONEY, default=Decimal("0"), editable=False
    )
    summary = models.CharField(_("摘要"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FundLineQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("党建经费")
        verbose_name_plural = _("党建经费")
        ordering = ["-year", "organization__path", "code"]
        indexes = [
            # The funding page: one year's lines of a subtree, summed by category/source.
            models.Index(fields=["year", "organization"], name="fundline_year_org"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="fundline_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(disbursed__gte=0) & Q(disbursed__lte=F("budget")),
                name="fundline_disbursed_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="fundline_year_range"
            ),
            models.CheckConstraint(
                condition=Q(category__in=FundCategory.values), name="fundline_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=FundSource.values), name="fundline_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.organization.name} {self.year}"

    def save(self, *args, **kwargs) -> None:
        """An update never writes `disbursed` from memory: only the instalment services set
        it (with update_fields). A form, an import or a restored old version could
        otherwise put back a stale total that no longer matches the instalments."""
        if self.pk and not self._state.adding and kwargs.get("update_fields") is None:
            current = FundLine.objects.filter(pk=self.pk).values_list("disbursed", flat=True)
            self.disbursed = current.first() or Decimal("0")
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key
            ]
            kwargs["update_fields"].remove("disbursed")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("funding:line", args=[self.code])

    def clean(self) -> None:
        if self.budget is not None and self.disbursed and self.budget < self.disbursed:
            raise ValidationError(
                {
                    "budget": _("不能少于已拨付的 %(done)s 元（拨付记录合计）。")
                    % {"done": self.disbursed}
                }
            )

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.disbursed

    @property
    def execution_rate(self) -> Decimal | None:
        """Disbursed as a percentage of the budget; None when nothing is budgeted (0 %
        would claim a failure where there is nothing to pay out)."""
        return rate(self.disbursed, self.budget)


class DisbursementQuerySet(ScopedQuerySet):
    scope_prefix = "fund__organization__"


class Disbursement(models.Model):
    """One instalment paid out against a budget line."""

    fund = models.ForeignKey(
        FundLine, verbose_name=_("经费"), on_delete=models.PROTECT, related_name="disbursements"
    )
    amount = models.DecimalField(
        _("拨付金额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField(_("拨付日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = DisbursementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("拨付记录")
        verbose_name_plural = _("拨付记录")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.fund.code} {self.paid_on} {self.amount}"


class FiscalRevenueQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class FiscalRevenue(models.Model):
    """A county's general public budget revenue for a year, recorded by staff: the basis
    of the "≥ 5 % of the previous year's fiscal revenue" line."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("县（区）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    revenue = models.DecimalField(
        _("一般公共预算收入（万元）"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )

    objects = FiscalRevenueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("县级财政收入")
        verbose_name_plural = _("县级财政收入")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="fiscal_revenue_once"),
            models.CheckConstraint(condition=Q(revenue__gte=0), name="fiscal_revenue_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.year}：{self.revenue} 万元"


class PayrollQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class Payroll(models.Model):
    """An organ's yearly payroll (工资总额): organ branches' activity funds should be a
    share of it."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("机关党组织"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    amount = models.DecimalField(
        _("工资总额（元）"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )

    objects = PayrollQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("机关工资总额")
        verbose_name_plural = _("机关工资总额")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="payroll_once")
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.year}"


class FundingStandard(models.Model):
    """The yearly standards (configuration). A year without its own row uses the latest
    earlier one, so staff only add a row when a standard changes."""

    year = models.PositiveSmallIntegerField(_("起始年度"), unique=True, validators=YEAR_VALIDATORS)
    county_budget_rate = models.DecimalField(
        _("县级党建经费占上年财政收入比例（%）"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT_VALIDATORS,
    )
    village_work_fund = models.DecimalField(
        _("村级组织工作经费标准（元/年）"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    community_work_fund = models.DecimalField(
        _("社区工作经费标准（元/年）"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    organ_activity_rate = models.DecimalField(
        _("机关党组织活动经费占工资总额比例（%）"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT_VALIDATORS,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("经费保障标准")
        verbose_name_plural = _("经费保障标准")
        ordering = ["-year"]

    def __str__(self) -> str:
        return _("%(year)d 年起的经费保障标准") % {"year": self.year}
