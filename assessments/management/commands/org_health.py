"""`manage.py org_health --org CODE [--json]`: the health findings of a subtree."""

from __future__ import annotations

import datetime
import json
from itertools import groupby

from django.core.management.base import BaseCommand, CommandError

from assessments.health.rules import findings_for
from orgs.models import Organization

JSON_KEYS = ("code", "name", "rule", "rule_label", "message", "severity")


class Command(BaseCommand):
    help = "列出某党组织及其下级的组织健康体检结果（按规则分组；--json 输出 JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="党组织代码，检查它及其全部下级")
        parser.add_argument("--json", action="store_true", help="以 JSON 列表输出")
        parser.add_argument("--date", help="按该日期（YYYY-MM-DD）检查，默认今天")

    def handle(self, *args, org: str, json: bool, date: str | None, **options):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"组织代码不存在：{org}")
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from exc
        findings = findings_for(organization, today=today)
        if json:
            self._write_json(findings)
        else:
            self._write_text(organization, findings)

    def _write_json(self, findings) -> None:
        rows = [{key: getattr(f, key) for key in JSON_KEYS} for f in findings]
        self.stdout.write(json_dumps(rows))

    def _write_text(self, organization: Organization, findings) -> None:
        self.stdout.write(
            f"{organization.name}（{organization.code}）及下级：共 {len(findings)} 项"
        )
        for rule, group in groupby(findings, key=lambda f: f.rule):
            items = list(group)
            self.stdout.write("")
            self.stdout.write(f"{items[0].rule_label}（{rule}）：{len(items)} 项")
            for f in items:
                self.stdout.write(f"  [{f.severity_label}] {f.name}（{f.code}）：{f.message}")


def json_dumps(rows: list[dict]) -> str:
    # The option is called --json, which shadows the module inside handle().
    return json.dumps(rows, ensure_ascii=False, indent=2)
