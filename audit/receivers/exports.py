"""Exports of personal data: every ExportLog row (pages, admin, `export_data`) becomes an
audit event, so the one trail answers "who took personal data out, and how much"."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from audit.models import AuditKind
from audit.recording import current_request, fail_safe, record
from core.registry import get_kind
from portal.models import ExportLog


def export_text(log: ExportLog) -> str:
    try:
        table = get_kind(log.kind).label
    except KeyError:
        table = log.kind
    return _(
        "%(table)s %(rows)d 行（%(numbers)s，%(format)s，%(channel)s，导出记录 #%(id)d）；"
        "范围：%(scope)s"
    ) % {
        "table": table,
        "rows": log.rows,
        "numbers": _("含完整身份证号和电话") if log.unmasked else _("已脱敏"),
        "format": log.file_format,
        "channel": log.get_channel_display(),
        "id": log.pk,
        "scope": log.scope_label,
    }


@receiver(post_save, sender=ExportLog, dispatch_uid="audit_export")
@fail_safe
def export_recorded(
    sender: Any, instance: ExportLog, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created or raw:
        return
    record(
        AuditKind.PERSONAL_DATA_EXPORTED,
        request=current_request(),
        user=instance.user,
        target=export_text(instance),
        organization_id=instance.organization_id,
    )
