from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import grant, set_full_personal_data
from orgs.roles import Role


class Command(BaseCommand):
    help = "给用户授予某组织（及其下级）的角色；用户不存在时创建。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("org_code")
        parser.add_argument("role", choices=Role.values, help="staff / secretary / leader")
        parser.add_argument("--password", help="设置（或重设）该用户的密码")
        parser.add_argument("--name", default="", help="新用户的姓名")
        personal = parser.add_mutually_exclusive_group()
        personal.add_argument(
            "--full-personal-data",
            action="store_true",
            help="同时授予查看完整身份证号码和电话的权限（默认一律脱敏显示）",
        )
        personal.add_argument(
            "--no-full-personal-data",
            action="store_true",
            help="收回查看完整身份证号码和电话的权限",
        )

    def handle(self, *args, username, org_code, role, password, name, **options):
        full, no_full = options["full_personal_data"], options["no_full_personal_data"]
        try:
            result = grant(
                username=username, org_code=org_code, role=role, password=password, full_name=name
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        parts = [
            f"用户 {username}" + ("（新建）" if result.user_created else ""),
            f"{Role(role).label} @ {org_code}",
            "已授权" if result.assignment_created else "授权已存在，未重复添加",
        ]
        self.stdout.write(self.style.SUCCESS("：".join(parts[:2]) + "，" + parts[2]))
        if full or no_full:
            set_full_personal_data(result.user, allowed=full)
            self.stdout.write(
                "已授予查看完整个人信息的权限" if full else "已收回查看完整个人信息的权限"
            )
        if result.user_created and password is None:
            self.stdout.write(self.style.WARNING("该用户尚未设置密码，请用 --password 设置。"))
