from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.registry import kind_names
from orgs.models import Organization
from portal.exporting import FORMATS, export_file


class Command(BaseCommand):
    help = "按数据字典导出数据（表头与导入模板一致）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kind_names())
        parser.add_argument("--format", choices=sorted(FORMATS), default="xlsx")
        parser.add_argument("--out", required=True, help="输出文件路径")
        parser.add_argument("--org", help="只导出该组织及其下级")
        parser.add_argument("--user", help="以该用户的权限导出；省略则为部署人员全范围")
        parser.add_argument(
            "--unmasked",
            action="store_true",
            help="导出完整的身份证号码和电话（仅限不指定 --user 的部署人员；会记入导出日志）",
        )

    def handle(self, *args, kind, format, out, org, user, unmasked, **options):
        if unmasked and user:
            raise CommandError(
                "--unmasked 只能由部署人员在不指定 --user 时使用；"
                "指定用户时按该用户是否有“查看完整个人信息”权限决定。"
            )
        acting_user = None
        if user:
            acting_user = User.objects.filter(username=user, is_active=True).first()
            if acting_user is None:
                raise CommandError(f"用户不存在或已停用：{user}")
        organization = None
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                raise CommandError(f"组织代码不存在：{org}")
        try:
            content, rows = export_file(
                kind, format, user=acting_user, org=organization, unmasked=unmasked
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        Path(out).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"已导出 {rows} 行到 {out}"))
