from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.importing import run_import
from core.registry import get_kind, kind_names
from core.tables import TableReadError, read_table


class Command(BaseCommand):
    help = "按数据字典导入 .xlsx、.xls 或 .csv 文件（全部成功或全部不导入）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kind_names(), help="数据表：" + "、".join(kind_names()))
        parser.add_argument("file", help=".xlsx、.xls 或 .csv（UTF-8 或 GB18030）文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        parser.add_argument(
            "--user", help="以该用户的权限导入（超出其管辖范围的行报错）；省略则为部署人员全范围"
        )

    def handle(self, *args, kind, file, dry_run, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        if path.stat().st_size > settings.IMPORT_MAX_FILE_SIZE:
            limit = settings.IMPORT_MAX_FILE_SIZE // (1024 * 1024)
            raise CommandError(f"文件超过 {limit} MB，请拆分后导入。")
        acting_user = None
        if user:
            acting_user = User.objects.filter(username=user, is_active=True).first()
            if acting_user is None:
                raise CommandError(f"用户不存在或已停用：{user}")
        try:
            dataset = read_table(path.read_bytes(), path.name)
        except TableReadError as exc:
            raise CommandError(str(exc)) from exc
        resource = get_kind(kind).resource(user=acting_user, source=path.name)
        report = run_import(resource, dataset, dry_run=dry_run)
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
