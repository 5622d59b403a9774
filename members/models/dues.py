"""Party dues (党费): configurable brackets and one record per member and month."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.scope import ScopedQuerySet

from .member import Member


class DuesBasis(models.TextChoices):
    """Which table of DOMAIN.md applies to a member."""

    SALARY = "salary", _("在职（按月工资）")
    RETIRED = "retired", _("离退休（按退休费）")
    FARMER = "farmer", _("农民（定额）")
    MINIMUM = "minimum", _("学生、下岗失业、生活困难（定额）")


class DuesBracket(models.Model):
    """A rate that applies to bases up to `upper_limit` (inclusive) for one basis.

    Percentage brackets have `rate`; fixed ones have `fixed_amount` (farmers: the lowest
    amount of the allowed range, `max_fixed_amount` the highest).
    """

    basis = models.CharField(_("适用对象"), max_length=10, choices=DuesBasis.choices)
    upper_limit = models.DecimalField(
        _("基数上限（元，含）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("留空表示无上限。"),
    )
    rate = models.DecimalField(
        _("比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    fixed_amount = models.DecimalField(
        _("定额（元）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_fixed_amount = models.DecimalField(
        _("定额上限（元）"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党费标准")
        verbose_name_plural = _("党费标准")
        ordering = ["basis", models.F("upper_limit").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["basis", "upper_limit"], name="duesbracket_unique_limit"
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=False, fixed_amount__isnull=True)
                | Q(rate__isnull=True, fixed_amount__isnull=False),
                name="duesbracket_rate_or_fixed",
            ),
        ]

    def __str__(self) -> str:
        limit = f"≤{self.upper_limit}" if self.upper_limit is not None else _("以上")
        value = f"{self.rate}%" if self.rate is not None else f"{self.fixed_amount}元"
        return f"{self.get_basis_display()} {limit}：{value}"


class DuesRecordQuerySet(ScopedQuerySet):
    scope_prefix = "member__organization__"


class DuesRecord(models.Model):
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues_records"
    )
    month = models.DateField(_("月份"), help_text=_("该月 1 日。"))
    basis = models.CharField(_("适用对象"), max_length=10, choices=DuesBasis.choices)
    base = models.DecimalField(
        _("缴费基数（元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    rate = models.DecimalField(
        _("比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    amount_due = models.DecimalField(
        _("应缴金额（元）"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    amount_paid = models.DecimalField(
        _("实缴金额（元）"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    paid_on = models.DateField(_("缴纳日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DuesRecordQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("党费记录")
        verbose_name_plural = _("党费记录")
        ordering = ["-month", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_one_per_member_month"),
            models.CheckConstraint(
                condition=Q(amount_due__gte=0) & Q(amount_paid__gte=0),
                name="dues_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount_paid=0) | Q(paid_on__isnull=False),
                name="dues_payment_dated",
            ),
        ]
        indexes = [models.Index(fields=["month", "member"], name="dues_month_member")]

    def __str__(self) -> str:
        return f"{self.member.name} {self.month:%Y-%m}"

    def clean(self) -> None:
        # Not a CheckConstraint: extracting the day needs a Python function on SQLite.
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)

    @property
    def is_paid(self) -> bool:
        return self.amount_paid >= self.amount_due
