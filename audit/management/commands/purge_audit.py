from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from audit.retention import purge_expired, retention_days


class Command(BaseCommand):
    help = "删除超过保存期限（AUDIT_RETENTION_DAYS，至少 180 天）的审计记录。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge_expired()
        self.stdout.write(
            _("已删除 %(n)d 条超过 %(days)d 天的审计记录。")
            % {"n": count, "days": retention_days()}
        )
