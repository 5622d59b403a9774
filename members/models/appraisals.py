"""民主评议党员: one result per member and year, recorded by the branch the member belonged
to that year, with the 处置 of a member found 不合格.

The 处置 (限期改正, 劝退, 除名) is a record of what the branch decided and when; it never
changes the member's status by itself: a 除名 is carried out on the roster by staff.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.years import FIRST_YEAR
from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from ..choices import MemberStatus
from .member import Member


class AppraisalResult(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


class Disposition(models.TextChoices):
    """What follows a 不合格 result (党员教育管理工作条例)."""

    RECTIFY = "rectify", _("限期改正")
    PERSUADE = "persuade", _("劝退")
    REMOVE = "remove", _("除名")


ONE_PER_YEAR = _("该党员这一年度已有民主评议结果，请修改原有记录，不要重复录入。")


class AppraisalQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class Appraisal(models.Model):
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="appraisals"
    )
    # The branch that appraised: where the member belonged that year, kept when the member
    # later moves, so a branch's year stays as it was recorded.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("评议党组织"),
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    result = models.CharField(_("评议结果"), max_length=12, choices=AppraisalResult.choices)
    disposition = models.CharField(
        _("处置"),
        max_length=10,
        choices=Disposition.choices,
        blank=True,
        help_text=_("仅“不合格”党员填写；系统不会因此自动变更党籍状态。"),
    )
    disposition_on = models.DateField(_("处置日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AppraisalQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("民主评议党员")
        verbose_name_plural = _("民主评议党员")
        ordering = ["-year", "organization__path", "member__name", "pk"]
        indexes = [
            # A subtree's results of one year: the list page and the counts.
            models.Index(fields=["year", "organization", "result"], name="appraisal_year_org"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="appraisal_one_per_member_year",
                violation_error_message=ONE_PER_YEAR,
            ),
            models.CheckConstraint(
                condition=Q(result__in=AppraisalResult.values), name="appraisal_result_valid"
            ),
            models.CheckConstraint(
                condition=Q(disposition="")
                | Q(result=AppraisalResult.UNQUALIFIED, disposition__in=Disposition.values),
                name="appraisal_disposition_only_unqualified",
            ),
            models.CheckConstraint(
                condition=Q(disposition="", disposition_on__isnull=True)
                | (~Q(disposition="") & Q(disposition_on__isnull=False)),
                name="appraisal_disposition_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} {self.year}年：{self.get_result_display()}"

    def clean(self) -> None:
        """The rules every path shares (the form, the admin, the importer)."""
        errors: dict[str, list[str]] = {}
        today = timezone.localdate()
        year = self.year
        if year is not None and not FIRST_YEAR <= year <= today.year:
            errors.setdefault("year", []).append(
                _("应在 %(first)d 到 %(last)d 之间（不能评议尚未到来的年度）。")
                % {"first": FIRST_YEAR, "last": today.year}
            )
            year = None
        member = self.member if self.member_id else None
        if member is not None and year is not None:
            if member.joined_on and member.joined_on.year > year:
                errors.setdefault("year", []).append(
                    _("该党员 %(day)s 入党，不能评议此前的年度。")
                    % {"day": member.joined_on.isoformat()}
                )
            gone = member.status != MemberStatus.ACTIVE and member.status_changed_on
            if gone and member.status_changed_on < datetime.date(year, 1, 1):
                errors.setdefault("year", []).append(
                    _("该党员 %(day)s 起党籍状态为“%(status)s”，不能评议此后的年度。")
                    % {
                        "day": member.status_changed_on.isoformat(),
                        "status": MemberStatus(member.status).label,
                    }
                )
        if self.disposition and self.result != AppraisalResult.UNQUALIFIED:
            errors.setdefault("disposition", []).append(
                _("只有评议结果为“不合格”的党员才有处置，请留空。")
            )
        if self.disposition and not self.disposition_on:
            errors.setdefault("disposition_on", []).append(_("填写处置时须填写处置日期。"))
        if self.disposition_on and not self.disposition:
            errors.setdefault("disposition_on", []).append(_("没有处置时请留空（或填写处置）。"))
        if self.disposition_on:
            if year is not None and self.disposition_on < datetime.date(year, 1, 1):
                errors.setdefault("disposition_on", []).append(
                    _("不能早于评议年度（%(year)d年）。") % {"year": year}
                )
            if self.disposition_on > today:
                errors.setdefault("disposition_on", []).append(_("不能晚于今天。"))
        if errors:
            raise ValidationError(errors)
