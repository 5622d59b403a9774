"""`manage.py party_statistics --org CODE [--as-of YYYY-MM-DD] [--format xlsx|json]
[--out FILE]`: the party statistics of a subtree as of a day."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orgs.models import Organization
from partystats.export import statistics_json, workbook_bytes
from partystats.forms import EARLIEST, default_as_of
from partystats.selectors import party_statistics


class Command(BaseCommand):
    help = (
        "计算某党组织及其全部下级截至某日的党内统计（党员、发展党员、基层组织、年度变化），"
        "输出 Excel（每表一个工作表）或 JSON。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="党组织代码，统计它及其全部下级")
        parser.add_argument(
            "--as-of", dest="as_of", help="统计截至日期（YYYY-MM-DD）；默认与页面相同"
        )
        parser.add_argument("--format", choices=("xlsx", "json"), default="json")
        parser.add_argument("--out", help="写入的文件；不填时 JSON 输出到屏幕，xlsx 必须填写")

    def handle(self, *args, org: str, as_of: str | None, format: str, out: str | None, **opts):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"组织代码不存在：{org}")
        day = default_as_of()
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{as_of}") from exc
        today = timezone.localdate()
        if not EARLIEST <= day <= today:
            raise CommandError(
                f"统计截至日期应在 {EARLIEST.isoformat()} 到今天（{today.isoformat()}）之间：{day}"
            )
        if format == "xlsx" and not out:
            raise CommandError("xlsx 格式须用 --out 指定文件。")
        stats = party_statistics(organization, day)
        if format == "xlsx":
            content = workbook_bytes(stats)
        else:
            content = (
                json.dumps(statistics_json(stats), ensure_ascii=False, indent=2) + "\n"
            ).encode("utf-8")
        if out:
            Path(out).write_bytes(content)
            self.stdout.write(f"已写入 {out}：{organization.name}，截至 {day.isoformat()}")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
