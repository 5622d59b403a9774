"""Building import files in tests."""

from __future__ import annotations

import io

from openpyxl import Workbook

ORG_HEADERS = [
    "组织代码", "组织名称", "上级组织代码", "组织类别", "行政层级", "所属领域",
    "成立日期", "书记姓名", "书记联系电话", "本届任期开始日期", "任期年限",
    "是否示范点", "是否软弱涣散",
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
