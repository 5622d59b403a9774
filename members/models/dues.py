"""Party dues (党费): configurable brackets and one record per member and month."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.scope import ScopedQuerySet

from .member import Member


class DuesBasis(models.TextChoices):
    """Which table of DOMAIN.md applies to a member."""

    SALARY = "salary", _("在职（按月工资）")
    RETIRED = "retired", _("离退休（按退休费）")
    FARMER = "farmer", _("农民（定额）")
    MINIMUM = "minimum", _("学生、下岗失业、依靠抚恤或救济生活、低保（定额）")


class DuesBracket(models.Model):
    """A rate that applies to bases up to `upper_limit` (inclusive) for one basis.

    Percentage brackets have `rate`; fixed ones have `fixed_amount` (farmers: the lowest
    amount of the range, `max_fixed_amount` the highest; paying more than the highest is
    voluntary, 自愿多交).
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


class WaiverKind(models.TextChoices):
    EXEMPT = "exempt", _("免交")
    REDUCED = "reduced", _("少交")


class WaiverApprover(models.TextChoices):
    COMMITTEE = "committee", _("支部委员会")
    ASSEMBLY = "assembly", _("支部党员大会")


class DuesWaiverQuerySet(ScopedQuerySet):
    scope_prefix = "member__organization__"


class DuesWaiver(models.Model):
    """免交 or 少交 of dues approved by the member's branch, for the months from
    `first_month` to `last_month` (both included, each the first of its month): the dues
    sheet makes a 免交 month due nothing and a 少交 month due `amount`."""

    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues_waivers"
    )
    kind = models.CharField(_("类别"), max_length=8, choices=WaiverKind.choices)
    approved_by = models.CharField(_("批准"), max_length=10, choices=WaiverApprover.choices)
    decided_on = models.DateField(_("决定日期"))
    reason = models.CharField(_("理由"), max_length=200)
    first_month = models.DateField(_("起始月份"), help_text=_("该月 1 日。"))
    last_month = models.DateField(_("截止月份"), help_text=_("该月 1 日，含该月。"))
    amount = models.DecimalField(
        _("批准每月缴纳（元）"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("少交时填写；免交留空。"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DuesWaiverQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("党费免交/少交")
        verbose_name_plural = _("党费免交/少交")
        ordering = ["-first_month", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_month__lte=models.F("last_month")),
                name="dueswaiver_months_in_order",
            ),
            models.CheckConstraint(
                condition=Q(kind=WaiverKind.EXEMPT, amount__isnull=True)
                | Q(kind=WaiverKind.REDUCED, amount__gt=0),
                name="dueswaiver_amount_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__in=WaiverApprover.values),
                name="dueswaiver_approver_valid",
            ),
        ]
        indexes = [models.Index(fields=["member", "first_month"], name="dueswaiver_member_month")]

    def __str__(self) -> str:
        return f"{self.member.name} {self.get_kind_display()} {self.months_label}"

    @property
    def months_label(self) -> str:
        return f"{self.first_month:%Y-%m}—{self.last_month:%Y-%m}"

    @property
    def due(self) -> Decimal:
        """What a month it covers is due."""
        return Decimal("0") if self.kind == WaiverKind.EXEMPT else self.amount

    def covers(self, month) -> bool:
        return self.first_month <= month <= self.last_month

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for name in ("first_month", "last_month"):
            value = getattr(self, name)
            if value and value.day != 1:
                setattr(self, name, value.replace(day=1))
        if self.first_month and self.last_month and self.first_month > self.last_month:
            errors.setdefault("last_month", []).append(_("不能早于起始月份。"))
        if self.decided_on and self.decided_on > timezone.localdate():
            errors.setdefault("decided_on", []).append(_("不能晚于今天。"))
        if self.kind == WaiverKind.REDUCED and self.amount is None:
            errors.setdefault("amount", []).append(_("少交须填写批准的每月缴纳金额。"))
        if self.kind == WaiverKind.EXEMPT and self.amount is not None:
            errors.setdefault("amount", []).append(_("免交不填写金额，请留空（或选择“少交”）。"))
        if self.member_id and self.first_month and self.last_month and not errors:
            overlapping = (
                DuesWaiver.objects.filter(
                    member_id=self.member_id,
                    first_month__lte=self.last_month,
                    last_month__gte=self.first_month,
                )
                .exclude(pk=self.pk)
                .order_by("first_month")
                .first()
            )
            if overlapping is not None:
                errors.setdefault("first_month", []).append(
                    _("与已登记的%(kind)s（%(months)s）重叠：一个月只能有一项批准，请修改那一项。")
                    % {"kind": overlapping.get_kind_display(), "months": overlapping.months_label}
                )
        if errors:
            raise ValidationError(errors)
