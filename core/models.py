"""Records the platform keeps about its own work: import jobs, notifications, the outbox,
one-time form submissions. None of them belongs to an organisation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    CHECKED = "checked", _("检查通过，待确认")
    DONE = "done", _("已导入")
    FAILED = "failed", _("有错误，未导入")


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """An import job is its uploader's (superusers see all)."""
        if getattr(user, "is_superuser", False):
            return self.all()
        return self.filter(user=user) if user.is_authenticated else self.none()


class ImportJob(models.Model):
    """A large file imported in the background: checked first, then imported on confirm."""

    kind = models.CharField(_("数据表"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    dry_run = models.BooleanField(_("仅检查"), default=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    summary = models.CharField(_("结果"), max_length=300, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(user=user) if getattr(user, "is_authenticated", False) else self.none()

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-portal message to one user (the bell). `event_key` makes every event notify
    once: a job that runs twice creates nothing new."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    event_key = models.CharField(_("事件"), max_length=120)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    #: when the e-mail copy was claimed for sending; set once, so it is mailed once
    mailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [
            models.UniqueConstraint(fields=["user", "event_key"], name="notification_once")
        ]

    def __str__(self) -> str:
        return self.text


class OutboxTask(models.Model):
    """A task the portal has to hand to the worker. Written in the caller's transaction and
    sent after commit: a rolled-back transaction sends nothing, and a task that could not
    be sent (Redis down) stays here, visible to staff, until `drain_outbox` sends it when
    Redis is back. Tasks sent through here must be idempotent: a row whose send succeeded
    but whose `sent` mark was lost is sent again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")

    task_name = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list)
    kwargs = models.JSONField(_("命名参数"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送失败次数"), default=0)
    last_error = models.CharField(_("最近一次失败原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("待执行任务")
        verbose_name_plural = _("待执行任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_pending")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.get_status_display()}"


class FormSubmission(models.Model):
    """A creation form's one-time token, claimed in the transaction that saves what the
    form creates: the same form posted twice (a double tap, a resent request on a weak
    connection) saves once, and the repeat is sent to what the first one made."""

    token = models.UUIDField(_("提交标识"), primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    result_url = models.CharField(_("结果页面"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("表单提交记录")
        verbose_name_plural = _("表单提交记录")

    def __str__(self) -> str:
        return str(self.token)
