"""Transfers of membership (组织关系转接): the member record moves, it is never copied."""

from __future__ import annotations

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
    from_organization = models.ForeignKey(
        Organization,
        verbose_name=_("转出党组织"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
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
                    Q(kind=TransferKind.INTERNAL, to_organization__isnull=False)
                    | Q(kind=TransferKind.OUTBOUND, to_organization__isnull=True)
                    & ~Q(destination="")
                ),
                name="transfer_target_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(state=TransferState.PENDING) | Q(decided_on__isnull=False),
                name="transfer_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        target = self.to_organization.name if self.to_organization_id else self.destination
        return f"{self.member.name}：{self.from_organization.name} → {target}"
