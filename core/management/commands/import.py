"""Replaces django-import-export's `import` command, which writes any model from a file
without the data dictionary's checks, the user's scope or the all-or-nothing import. Only
import_data may import (see export.py for why `core` must precede `import_export`)."""

from __future__ import annotations

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from .export import RefusedCommand


class Command(RefusedCommand):
    help = "已停用，请使用 import_data。Disabled: use import_data."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        # The replaced command's options, so that they too reach the refusal.
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--raise-errors", action="store_true")
        parser.add_argument("-n", "--dry-run", action="store_true")
        parser.add_argument("--format")

    def refusal(self) -> str:
        return (
            _(
                "manage.py import 已停用：它不按数据字典检查、不限管辖范围，也不是全部成功或全部"
                "不导入。请使用 manage.py import_data（例如 manage.py import_data members "
                "党员.xlsx --dry-run）。"
            )
            + "\nmanage.py import is disabled: it bypasses the data dictionary's checks and"
            " the all-or-nothing import. Use manage.py import_data instead."
        )
