"""The export log: every export of personal data, kept for the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Organization
from orgs.scope import StaffRecordQuerySet


class ExportChannel(models.TextChoices):
    PAGE = "page", _("门户页面")
    ADMIN = "admin", _("后台管理")
    COMMAND = "command", _("命令行")


class ExportLogQuerySet(StaffRecordQuerySet):
    scope_prefix = "organization__"


class ExportLog(models.Model):
    """Every export of personal data: who, when, which scope, how many rows, masked or not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导出人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("为空表示部署人员在服务器上用命令导出。"),
    )
    kind = models.CharField(_("数据表"), max_length=20)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("导出范围"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("为空表示全部数据。"),
    )
    scope_label = models.CharField(_("范围说明"), max_length=200)
    rows = models.PositiveIntegerField(_("行数"))
    unmasked = models.BooleanField(_("含完整身份证号和电话"), default=False)
    channel = models.CharField(_("导出途径"), max_length=10, choices=ExportChannel.choices)
    file_format = models.CharField(_("格式"), max_length=10)
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True, db_index=True)

    objects = ExportLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人信息导出记录")
        verbose_name_plural = _("个人信息导出记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        who = self.user.username if self.user_id else _("部署人员")
        return f"{who} {self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.rows}"
