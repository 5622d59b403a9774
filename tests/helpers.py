"""Building import files in tests."""

from __future__ import annotations

import io
from contextlib import contextmanager

from openpyxl import Workbook

ORG_HEADERS = [
    "组织代码", "组织名称", "上级组织代码", "组织类别", "行政层级", "所属领域",
    "成立日期", "书记姓名", "书记联系电话", "本届任期开始日期", "任期年限",
    "是否示范点", "是否软弱涣散", "联合党支部所含单位",
]  # fmt: skip


def org_row(code: str, parent: str, **overrides: str) -> dict[str, str]:
    row = {
        "组织代码": code,
        "组织名称": f"{code}支部委员会",
        "上级组织代码": parent,
        "组织类别": "党支部",
        "行政层级": "村级",
        "所属领域": "农村",
        "成立日期": "2001-07-01",
        "书记姓名": "张三",
        "书记联系电话": "13800138000",
        "本届任期开始日期": "2023-03-01",
        "任期年限": "",
        "是否示范点": "否",
        "是否软弱涣散": "否",
        "联合党支部所含单位": "",
    }
    row.update(overrides)
    return row


def xlsx_bytes(rows: list[dict], headers: list[str] | None = None) -> bytes:
    headers = headers or ORG_HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], headers: list[str] | None = None, encoding="utf-8-sig") -> bytes:
    headers = headers or ORG_HEADERS
    lines = [",".join(headers)] + [",".join(str(r.get(h, "")) for h in headers) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


MEMBER_HEADERS = [
    "姓名", "公民身份号码", "性别", "民族", "出生日期", "学历", "人员类别", "入党日期",
    "转正日期", "所在党组织代码", "工作岗位", "联系电话", "是否流动党员", "流动去向",
    "是否生活困难党员",
]  # fmt: skip


def id_number(birth: str = "1980-05-17", *, female: bool = False, seq: int = 1) -> str:
    """A valid 18-digit ID number (GB 11643 checksum) for the birth date and gender."""
    from members.identity import check_character

    sequence = (seq * 2 + (0 if female else 1)) % 1000
    region = 513401 + seq // 500  # 500 numbers per region code and birth date
    first17 = f"{region}" + birth.replace("-", "") + f"{sequence:03d}"
    return first17 + check_character(first17)


def member_row(org: str, seq: int = 1, **overrides: str) -> dict[str, str]:
    female = overrides.pop("female", False)
    birth = overrides.pop("birth", "1980-05-17")
    row = {
        "姓名": "李红" if female else "王建国",
        "公民身份号码": id_number(birth, female=bool(female), seq=seq),
        "性别": "女" if female else "男",
        "民族": "汉族",
        "出生日期": birth,
        "学历": "大学本科",
        "人员类别": "正式党员",
        "入党日期": "2005-07-01",
        "转正日期": "2006-07-01",
        "所在党组织代码": org,
        "工作岗位": "农牧渔民",
        "联系电话": "13912345678",
        "是否流动党员": "否",
        "流动去向": "",
        "是否生活困难党员": "否",
    }
    row.update(overrides)
    return row


FUND_HEADERS = [
    "经费编号", "年度", "组织代码", "经费类别", "资金来源", "预算金额（元）",
    "已拨付金额（元）", "拨付日期", "摘要",
]  # fmt: skip


def fund_row(code: str, org: str, **overrides) -> dict:
    row = {
        "经费编号": code,
        "年度": "2026",
        "组织代码": org,
        "经费类别": "工作经费",
        "资金来源": "财政预算",
        "预算金额（元）": "80000",
        "已拨付金额（元）": "",
        "拨付日期": "",
        "摘要": "",
    }
    row.update(overrides)
    return row


SITE_HEADERS = [
    "项目编号", "项目名称", "组织代码", "项目类型", "建设性质", "计划投资（万元）",
    "已完成投资（万元）", "建筑面积（㎡）", "状态", "开工日期", "竣工日期", "功能配置",
]  # fmt: skip


def site_row(code: str, org: str, **overrides) -> dict:
    row = {
        "项目编号": code,
        "项目名称": "村级组织活动场所新建",
        "组织代码": org,
        "项目类型": "村级组织活动场所",
        "建设性质": "新建",
        "计划投资（万元）": "60",
        "已完成投资（万元）": "",
        "建筑面积（㎡）": "300",
        "状态": "规划设计",
        "开工日期": "",
        "竣工日期": "",
        "功能配置": "党员活动室、会议室、办公室",
    }
    row.update(overrides)
    return row


ECONOMY_HEADERS = ["年度", "组织代码", "集体经济总收入（万元）", "经营性收入（万元）", "发展模式"]


def economy_row(org: str, year: str = "2025", **overrides) -> dict:
    row = {
        "年度": year,
        "组织代码": org,
        "集体经济总收入（万元）": "12.5",
        "经营性收入（万元）": "8",
        "发展模式": "土地流转",
    }
    row.update(overrides)
    return row


def read_beside_worker(read):
    """`read()`, or None when SQLite says the table is locked. On SQLite the test database
    is shared in memory with a real worker's thread, and shared-cache mode fails a read that
    meets the worker's open write at once instead of waiting: the polling loops of the
    worker tests just try again."""
    from django.db import OperationalError

    try:
        return read()
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return None


@contextmanager
def running_worker(*, shutdown_timeout: int = 30):
    """A real Celery worker (a thread of this process) for the duration, tasks not eager.

    On SQLite the test database is shared in memory between this thread and the worker's,
    and shared-cache mode fails a write that meets another connection's read lock at once
    ("database table is locked") instead of waiting: a test polling for the worker's
    result would make the worker's write fail. The test's connection therefore reads
    without table locks (PRAGMA read_uncommitted) while the worker runs."""
    from celery.contrib.testing.worker import start_worker
    from django.db import connection

    from config.celery import app

    sqlite = connection.vendor == "sqlite"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA read_uncommitted = true")
        with start_worker(
            app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=shutdown_timeout
        ):
            yield
    finally:
        app.conf.task_always_eager = eager
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA read_uncommitted = false")


#: run a module in a child process on the suite's clock: argv = [iso time, module, *args]
_ON_SUITE_CLOCK = (
    "import datetime, runpy, sys, time_machine; "
    "time_machine.travel(datetime.datetime.fromisoformat(sys.argv[1]), tick=True).start(); "
    "sys.argv = sys.argv[2:]; "
    "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)"
)


def on_suite_clock(module: str, *args: str) -> list[str]:
    """The command line of `python -m module args…` in a child process whose clock reads
    what this process's clock reads (tests/conftest.py sets the suite's clock to midday):
    a worker that stamps a claim and the test that judges its age must agree on now."""
    import sys

    from django.utils import timezone

    return [sys.executable, "-c", _ON_SUITE_CLOCK, timezone.now().isoformat(), module, *args]
