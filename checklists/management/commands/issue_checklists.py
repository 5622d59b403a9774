from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from checklists.issuing import issue_checklists
from core.periods import Quarter
from orgs.models import Organization


class Command(BaseCommand):
    help = "下发某季度的书记抓基层党建工作责任清单（可重复执行，不会重复下发）。"

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="季度，如 2026Q4")
        parser.add_argument("--org", help="只下发该组织及其下级；省略则为全部")

    def handle(self, *args, quarter, org, **options):
        try:
            period = Quarter.parse(quarter)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        organization = None
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                raise CommandError(f"组织代码不存在：{org}")
        result = issue_checklists(quarter=period, org=organization)
        for template in result.invalid_templates:
            self.stderr.write(
                self.style.ERROR(f"模板“{template}”的分值合计不是 100 分，未按它下发。")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{period}：新下发 {len(result.created)} 份，已存在 {result.existing} 份。"
            )
        )
        if result.readdressed:
            self.stdout.write(f"已有清单中 {result.readdressed} 份改按现任书记账号下发。")
        if result.without_secretary:
            self.stdout.write(
                self.style.WARNING(f"以下 {len(result.without_secretary)} 个组织没有书记账号：")
            )
            for organization in result.without_secretary:
                self.stdout.write(f"  {organization.code} {organization.name}")
