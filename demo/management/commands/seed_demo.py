from __future__ import annotations

import importlib

import tablib
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Assignment, User
from accounts.services import grant
from core.importing import run_import
from demo.bulletins import build_demo_bulletins
from demo.checklists import load_demo_checklists
from demo.funding import load_demo_funding
from demo.members import load_demo_members
from demo.org_life import load_demo_life
from demo.organisations import HEADERS, demo_rows
from demo.people import STAFF, TOWN_STAFF, branch_secretary_username
from demo.register import load_demo_register
from demo.scale import (
    LOAD_LEADER,
    LOAD_STAFF,
    LOAD_TOWN_STAFF,
    SeparateDatabaseNeeded,
    build_city,
    secretary_username,
)
from demo.teams import keep_team_columns, load_demo_teams
from orgs.models import Organization
from orgs.resources import OrganizationResource
from orgs.roles import Role

DEMO_PASSWORD = "dangjian-demo-2026"
COUNTY = "QH"
DEMO_USERS = [
    # username, full name, organisation, role, what they do
    (STAFF, "组织部 王干事", COUNTY, "staff", "组织部工作人员（全县）"),
    ("secretary", "柳林村 书记", "QH0301", "secretary", "村党组织书记"),
    ("leader", "县委 李书记", COUNTY, "leader", "县领导（只读）"),
    (TOWN_STAFF, "青石镇 组织委员", "QH02", "staff", "乡镇组织委员（仅青石镇）"),
]


# The rows the migrations load (meeting rules, dues brackets, funding standards, thresholds,
# templates): after `manage.py flush` they are gone and the demo would fail on them.
REFERENCE_DATA = (
    ("orgs", "0003_meeting_defaults", "load"),
    ("members", "0002_load_defaults", "load"),
    ("funding", "0002_load_standards", "load"),
    ("assessments", "0002_threshold_defaults", "load"),
    ("assessments", "0004_standard_defaults", "load"),
    ("assessments", "0008_secretary_review", "load_review_weights"),
    ("checklists", "0002_default_templates", "load"),
)


def restore_reference_data() -> None:
    """Run the migrations' own loaders again; each creates only what is missing."""
    for app, migration, function in REFERENCE_DATA:
        module = importlib.import_module(f"{app}.migrations.{migration}")
        getattr(module, function)(django_apps, None)


class Command(BaseCommand):
    help = (
        "生成演示县（清河县）的组织、演示账号和一年的工作数据（组织生活、党费、发展党员、"
        "责任清单、评分、经费、阵地、班子与换届、已结束季度的通报）；--scale city 另行生成城市"
        "规模的压测数据（约 2,000 个组织、500,000 名党员）。可重复执行，不会产生重复数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="在 DEBUG 关闭（生产）时也生成演示账号"
        )
        parser.add_argument(
            "--no-bulletins",
            action="store_true",
            help="不生成已结束季度的县级进展通报（PDF 每份需数秒，测试时使用）",
        )
        parser.add_argument(
            "--scale",
            choices=("county", "city"),
            default="county",
            help="county：演示县（默认）；city：城市规模的压测数据集（与演示县分开）",
        )
        parser.add_argument(
            "--orgs", type=int, default=2000, help="city：组织数（约数，默认 2000）"
        )
        parser.add_argument(
            "--members", type=int, default=500_000, help="city：党员数（默认 500000）"
        )
        parser.add_argument(
            "--secretaries",
            type=int,
            default=200,
            help="city：压测书记账号数（前 N 个村各一个，默认 200）",
        )

    def handle(self, *args, force=False, scale="county", no_bulletins=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("生产环境（DEBUG 关闭）不生成演示账号；确需生成请加 --force。")
        if scale == "city":
            self._city(options["orgs"], options["members"], options["secretaries"])
            return
        # Organisations already there keep the 书记 and term their committee gives them.
        dataset = tablib.Dataset(*keep_team_columns(demo_rows()), headers=HEADERS)
        with transaction.atomic():
            restore_reference_data()
            # The same import path that staff use (DATA_DICTIONARY.md, orgs).
            report = run_import(OrganizationResource(source="seed_demo"), dataset)
            if not report.ok:
                for error in report.errors:
                    self.stderr.write(str(error))
                raise CommandError(report.summary())
            for username, full_name, org_code, role, _desc in DEMO_USERS:
                exists = User.objects.filter(username=username).exists()
                grant(
                    username=username,
                    org_code=org_code,
                    role=role,
                    full_name=full_name,
                    # Set a password only on creation: never reset one a user changed.
                    password=None if exists else DEMO_PASSWORD,
                )
            summaries = [
                _grant_secretaries(),
                load_demo_members(),
                # Meetings need the roster (headcounts) and come before the lists,
                # whose measured values count them.
                load_demo_life(),
                load_demo_funding(),
                load_demo_register(),
                load_demo_checklists(),
                load_demo_teams(),
            ]
        if not no_bulletins:
            # After the commit: the bulletins are built from what the demo has stored.
            summaries.append(build_demo_bulletins())
        self.stdout.write(self.style.SUCCESS("演示数据：" + report.summary()))
        for line in "\n".join(summaries).splitlines():
            self.stdout.write(self.style.SUCCESS("演示数据：" + line))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, org_code, _role, desc in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {desc}：{full_name}（{org_code}）")
        self.stdout.write("门户：http://127.0.0.1:8000/    后台：http://127.0.0.1:8000/admin/")

    def _city(self, orgs: int, members: int, secretaries: int) -> None:
        if orgs < 10 or members < 0 or secretaries < 0:
            raise CommandError("--orgs 至少为 10，--members 和 --secretaries 不能为负数。")
        try:
            secretaries = build_city(
                orgs=orgs,
                members=members,
                secretaries=secretaries,
                password=DEMO_PASSWORD,
                say=lambda line: self.stdout.write(self.style.SUCCESS("城市压测数据：" + line)),
            )
        except SeparateDatabaseNeeded as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("")
        self.stdout.write(f"压测账号（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write(f"  {LOAD_STAFF:<16} 组织部工作人员（全市）")
        self.stdout.write(f"  {LOAD_TOWN_STAFF:<16} 组织部工作人员（一个乡镇）")
        self.stdout.write(f"  {LOAD_LEADER:<16} 领导（全市，只读）")
        if secretaries:
            self.stdout.write(
                f"  {secretary_username(1)}…{secretary_username(secretaries)} 村党组织书记"
            )


def _grant_secretaries() -> str:
    """An account for every organisation's secretary that has none (no password: nobody
    signs in with it), so that lists are filled and meetings recorded in their name."""
    county = Organization.objects.filter(code=COUNTY).first()
    if county is None:
        return "书记账号：无演示县，跳过"
    created = 0
    for org in Organization.objects.within(county).filter(depth__gt=county.depth):
        if Assignment.objects.filter(organization=org, role=Role.SECRETARY).exists():
            continue
        grant(
            username=branch_secretary_username(org.code),
            org_code=org.code,
            role=Role.SECRETARY,
            full_name=org.secretary_name or org.name[:30],
        )
        created += 1
    return f"书记账号：新增 {created} 个（无密码，不能登录；演示书记为 secretary）"
