"""`manage.py build_bulletin --org CODE --quarter 2026Q4 --out FILE.pdf`: the progress
bulletin of a subtree, rendered synchronously (the same document the portal stores)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.periods import Period
from orgs.models import Organization


class Command(BaseCommand):
    help = "生成某党组织某季度的进展通报 PDF（与系统中保存的通报相同），输出页数和用时。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="党组织代码，通报它及其全部下级")
        parser.add_argument("--quarter", required=True, help="季度，如 2026Q4")
        parser.add_argument("--out", required=True, help="输出的 PDF 文件路径")

    def handle(self, *args, org: str, quarter: str, out: str, **options):
        from core.pdf import PdfError
        from reports.bulletin_content import build_bulletin

        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"组织代码不存在：{org}")
        try:
            period = Period.parse(quarter)
        except ValidationError as exc:
            raise CommandError(f"季度格式应为 2026Q4 这样的“年份Q季度”：{quarter}") from exc
        if not period.is_quarter:
            raise CommandError(f"季度格式应为 2026Q4 这样的“年份Q季度”：{quarter}")
        target = Path(out)
        if not target.parent.is_dir():
            raise CommandError(f"输出目录不存在：{target.parent}")
        started = time.perf_counter()
        try:
            data, pages = build_bulletin(org=organization, period=period)
        except PdfError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        target.write_bytes(data)
        self.stdout.write(
            f"{organization.name}{period.label}进展通报：{pages} 页，用时 {seconds:.1f} 秒"
            f"（每页 {seconds / max(pages, 1):.2f} 秒），已写入 {target}"
        )
