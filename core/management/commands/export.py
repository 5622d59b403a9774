"""Replaces django-import-export's `export` command, which writes any model in full (ID
numbers and phones unmasked) and leaves no export-log row. Only export_data may export.

Django runs the command of the app listed first in INSTALLED_APPS, so `core` must come
before `import_export` for this one to win (tests/test_import_export_commands.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class RefusedCommand(BaseCommand):
    """A command name that must not run: it accepts whatever the replaced command
    accepted, so that every invocation reaches the refusal instead of a usage error."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs="*")
        parser.add_argument("--encoding")

    def refusal(self) -> str:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(self.refusal())


class Command(RefusedCommand):
    help = "已停用，请使用 export_data。Disabled: use export_data."

    def refusal(self) -> str:
        return (
            _(
                "manage.py export 已停用：它不按数据字典导出，身份证号和电话不脱敏，也不记入导出"
                "日志。请使用 manage.py export_data（例如 manage.py export_data members --out "
                "党员.xlsx）。"
            )
            + "\nmanage.py export is disabled: it bypasses the data dictionary, masking and the"
            " export log. Use manage.py export_data instead."
        )
