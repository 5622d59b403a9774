"""The security audit trail: sign-ins, lockouts, grants and every look at or export of
personal data in full. Rows are written by `audit.recording` only and never changed."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.log_filters import mask
from orgs.models import Organization
from orgs.scope import StaffRecordQuerySet


class AuditKind(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("账号锁定")
    UNLOCKED = "unlocked", _("解除锁定")
    LOGOUT = "logout", _("退出登录")
    PERMISSION_GRANTED = "permission_granted", _("授予权限")
    PERMISSION_REVOKED = "permission_revoked", _("收回权限")
    ROLE_ASSIGNED = "role_assigned", _("分配角色")
    ROLE_REMOVED = "role_removed", _("撤销角色")
    FULL_DATA_VIEWED = "full_data_viewed", _("查看完整个人信息")
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("导出个人信息")
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("绑定双因素认证")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("双因素认证失败")
    SECOND_FACTOR_RESET = "second_factor_reset", _("重置双因素认证")
    # Account management by staff in the portal (accounts.manage.services)
    ACCOUNT_CREATED = "account_created", _("开通账号")
    PASSWORD_RESET = "password_reset", _("重置密码")
    ACCOUNT_UNLOCKED = "account_unlocked", _("解除账号锁定")
    ACCOUNT_DEACTIVATED = "account_deactivated", _("停用账号")
    ACCOUNT_REACTIVATED = "account_reactivated", _("重新启用账号")


class ImmutableAuditEvent(Exception):
    """An attempt to change or delete an audit event outside the retention purge."""


class AuditEventQuerySet(StaffRecordQuerySet):
    scope_prefix = "organization__"

    def update(self, **kwargs: Any) -> int:
        raise ImmutableAuditEvent(_("审计记录不能修改。"))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableAuditEvent(_("审计记录只能在保存期满后由定期清理删除。"))

    def purge_before(self, cutoff: datetime.datetime) -> int:
        """Delete the events older than `cutoff`: the retention purge, the only way rows
        leave the table (audit.retention checks the period before calling this)."""
        count, _by_model = models.QuerySet.delete(self.filter(created_at__lt=cutoff))
        return count


class AuditEvent(models.Model):
    """One security-relevant event: who, when, from where, what, on whom.

    The foreign keys carry no database constraint and do nothing on deletion: deleting a
    user or an organisation must neither be blocked by nor change the events naming them
    (the username, scope and target are kept as text)."""

    kind = models.CharField(_("事件"), max_length=30, choices=AuditKind.choices)
    created_at = models.DateTimeField(
        _("时间"), default=timezone.now, editable=False, db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("为空表示未登录（如登录失败）或在服务器上用命令操作。"),
    )
    username = models.CharField(
        _("用户名"),
        max_length=150,
        blank=True,
        help_text=_("操作人当时的用户名；登录失败时为输入的用户名。"),
    )
    ip_address = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    scope_label = models.CharField(_("操作人管辖范围"), max_length=200, blank=True)
    target = models.CharField(_("对象"), max_length=300, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属组织"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "created_at"], name="audit_kind_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableAuditEvent(_("审计记录不能修改。"))
        # Whatever reaches the text columns (a typed username, an export's filters), no
        # full ID or mobile number is ever stored here.
        self.username = mask(self.username)[:150]
        self.scope_label = mask(self.scope_label)[:200]
        self.target = mask(self.target)[:300]
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableAuditEvent(_("审计记录只能在保存期满后由定期清理删除。"))

    @property
    def is_warning(self) -> bool:
        """Events a reader should not miss: someone failing to sign in or locked out."""
        return self.kind in (AuditKind.LOGIN_FAILED, AuditKind.LOCKED_OUT)

    @property
    def actor_label(self) -> str:
        if self.username:
            return self.username
        if self.kind in (AuditKind.LOGIN_FAILED, AuditKind.LOCKED_OUT):
            return str(_("（未输入用户名）"))
        return str(_("部署人员（命令行）"))
