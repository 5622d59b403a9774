"""Transfers of membership (组织关系转接): the member record moves, it is never copied.

Three kinds: inside the county, out of it (with the 介绍信 the portal prints, numbered per
issuing county and year) and into it from outside (with the sending unit's 介绍信 and the
回执 sent back).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Organization
from orgs.scope import READ_ROLES, ScopedQuerySet, scope_q

from .member import Member


class TransferKind(models.TextChoices):
    INTERNAL = "internal", _("县内转接")
    OUTBOUND = "outbound", _("转出本县")
    INBOUND = "inbound", _("从县外转入")


class TransferState(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")
    COMPLETED = "completed", _("已转出")


class TransferQuerySet(ScopedQuerySet):
    scope_prefix = "from_organization__"

    def visible_to(self, user) -> TransferQuerySet:
        # Both ends see a transfer: the sender stays responsible, the receiver must act.
        return self.filter(
            scope_q(user, "from_organization__", READ_ROLES)
            | scope_q(user, "to_organization__", READ_ROLES)
        )


class Transfer(models.Model):
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="transfers"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=TransferKind.choices)
    state = models.CharField(
        _("状态"), max_length=10, choices=TransferState.choices, default=TransferState.PENDING
    )
    # None for a transfer into the county: the sender is outside the tree (`origin`).
    from_organization = models.ForeignKey(
        Organization,
        verbose_name=_("转出党组织"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
        null=True,
        blank=True,
    )
    to_organization = models.ForeignKey(
        Organization,
        verbose_name=_("转入党组织"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
        null=True,
        blank=True,
    )
    destination = models.CharField(
        _("转往单位"), max_length=200, blank=True, help_text=_("转出本县时填写接收党组织全称。")
    )
    origin = models.CharField(
        _("来自单位"), max_length=200, blank=True, help_text=_("从县外转入时填写转出党组织全称。")
    )
    origin_letter_number = models.CharField(
        _("来信介绍信编号"), max_length=50, blank=True, help_text=_("转出单位所开介绍信的编号。")
    )
    origin_letter_date = models.DateField(_("来信介绍信日期"), null=True, blank=True)
    reason = models.CharField(_("转接原因"), max_length=200)
    requested_on = models.DateField(_("申请日期"))
    decided_on = models.DateField(_("办结日期"), null=True, blank=True)
    decision_note = models.CharField(_("办理意见"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The 介绍信 of a transfer out of the county, printed from the portal: its number counts
    # per issuing county and year and is never given twice (a unique constraint).
    letter_county = models.ForeignKey(
        Organization,
        verbose_name=_("开具介绍信的县级党委"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    letter_year = models.PositiveSmallIntegerField(_("介绍信年度"), null=True, blank=True)
    letter_number = models.PositiveIntegerField(_("介绍信编号"), null=True, blank=True)
    letter_issued_on = models.DateField(_("介绍信开具日期"), null=True, blank=True)
    letter_valid_days = models.PositiveSmallIntegerField(
        _("介绍信有效期（天）"), null=True, blank=True
    )
    letter_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("介绍信开具人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # 回执: sent back to the sender by us (into the county), or received from the
    # receiver (out of the county, for the letter we printed).
    receipt_on = models.DateField(_("回执日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = TransferQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-requested_on", "-pk"]
        constraints = [
            # A member is on the way to one place at a time.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state="pending"),
                name="transfer_one_pending_per_member",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=TransferKind.INTERNAL,
                        from_organization__isnull=False,
                        to_organization__isnull=False,
                    )
                    | Q(
                        kind=TransferKind.OUTBOUND,
                        from_organization__isnull=False,
                        to_organization__isnull=True,
                    )
                    & ~Q(destination="")
                    | Q(
                        kind=TransferKind.INBOUND,
                        from_organization__isnull=True,
                        to_organization__isnull=False,
                        origin_letter_date__isnull=False,
                    )
                    & ~Q(origin="")
                    & ~Q(origin_letter_number="")
                ),
                name="transfer_target_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["letter_county", "letter_year", "letter_number"],
                name="transfer_letter_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(
                    letter_county__isnull=True,
                    letter_year__isnull=True,
                    letter_number__isnull=True,
                    letter_issued_on__isnull=True,
                    letter_valid_days__isnull=True,
                )
                | Q(
                    kind=TransferKind.OUTBOUND,
                    letter_county__isnull=False,
                    letter_year__isnull=False,
                    letter_number__isnull=False,
                    letter_issued_on__isnull=False,
                    letter_valid_days__isnull=False,
                ),
                name="transfer_letter_complete",
            ),
            models.CheckConstraint(
                condition=Q(receipt_on__isnull=True)
                | Q(kind=TransferKind.INBOUND, state=TransferState.ACCEPTED)
                | Q(kind=TransferKind.OUTBOUND, letter_number__isnull=False),
                name="transfer_receipt_when_due",
            ),
            models.CheckConstraint(
                condition=Q(state=TransferState.PENDING) | Q(decided_on__isnull=False),
                name="transfer_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name}：{self.source_name} → {self.target_name}"

    @property
    def source_name(self) -> str:
        return self.from_organization.name if self.from_organization_id else self.origin

    @property
    def target_name(self) -> str:
        return self.to_organization.name if self.to_organization_id else self.destination

    @property
    def letter_label(self) -> str:
        """The printed letter's number, e.g. "〔2026〕第7号"; "" before it is issued."""
        if self.letter_number is None:
            return ""
        return f"〔{self.letter_year}〕第{self.letter_number}号"

    @property
    def letter_valid_until(self) -> datetime.date | None:
        """The last day of the letter's 有效期: the day of issue is not counted (民法典
        第二百零一条), so 30 days from 1 March run to 31 March."""
        if self.letter_issued_on is None:
            return None
        return self.letter_issued_on + datetime.timedelta(days=self.letter_valid_days)
