"""The register as a file: one row per entry with the labels the page shows. Cells that a
spreadsheet would run as a formula (=, +, -, @: CSV injection) are made inert here, with
the same function the portal's formats use for every exported cell."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.cell_escaping import escape_cell

from .selectors import is_overdue, situation_labels, status_label

EXPORT_HEADERS = (
    "年度",
    "组织代码",
    "组织名称",
    "存在情形",
    "整顿措施",
    "责任人",
    "整顿期限",
    "状态",
    "是否逾期",
    "销号日期",
    "回头看日期",
    "回头看结果",
    "登记时间",
)


def export_rows(entries: QuerySet, today: datetime.date | None = None) -> list[list[Any]]:
    """The list's rows for a file, cells that a spreadsheet would run made inert."""
    today = today or timezone.localdate()
    rows = []
    for entry in entries.select_related("organization"):
        rows.append(
            [
                escape_cell(value)
                for value in (
                    entry.year,
                    entry.organization.code,
                    entry.organization.name,
                    "、".join(situation_labels(entry.situations)),
                    entry.measures,
                    entry.responsible_person,
                    entry.deadline.isoformat(),
                    status_label(entry.status),
                    _("是") if is_overdue(entry, today) else _("否"),
                    entry.closed_on.isoformat() if entry.closed_on else "",
                    entry.review_on.isoformat() if entry.review_on else "",
                    entry.review_result,
                    timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                )
            ]
        )
    return rows
