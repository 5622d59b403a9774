"""The demo county's member records beyond the roster's year: last year's 民主评议党员
(imported like a county's spreadsheet, with one 不合格 member given 限期改正 by the branch),
a member arriving from outside the county with the sending unit's 介绍信 (registered,
confirmed, 回执 sent) and the 介绍信 printed for the transfer out of the county.

Deterministic and idempotent: the results are the same rows every run (an unchanged row
writes nothing), and the arrival and the letter are made once.
"""

from __future__ import annotations

import datetime
import random

import tablib

from core.importing import run_import
from members.as_of import member_on_q
from members.identity import check_character
from members.models import Member, Transfer, TransferKind, TransferState
from members.resources.appraisals import ORG_COLUMN, AppraisalResource
from members.services.transfers import (
    inbound_register,
    letter_issue,
    letter_valid_days,
    transfer_accept,
    transfer_record_receipt,
)
from orgs.models import Organization
from orgs.scope import subtree_q

from .calendar import demo_today
from .people import STAFF, account
from .roster_changes import OUT_FROM

COUNTY = "QH"
HEADERS = [column.name for column in AppraisalResource.columns if column.name != ORG_COLUMN]
#: shares of 优秀 and 基本合格 among last year's results; the rest are 合格
EXCELLENT_SHARE, BASIC_SHARE = 0.12, 0.05
#: the branch one of whose members was found 不合格 and given 限期改正
UNQUALIFIED_IN = "QH0303"
#: the arrival from outside the county: where to, from where, with which letter
ARRIVAL_TO = "QH0101"
ARRIVAL_FROM = "中共苏州市姑苏区平江街道工作委员会"
ARRIVAL_LETTER = "苏姑组〔{year}〕第36号"
ARRIVAL_NAME = "顾文杰"


def _day(today: datetime.date, days_back: int) -> datetime.date:
    """A day of this year, `days_back` before today (1 January at the earliest)."""
    return max(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=days_back))


def appraisal_rows(county: Organization, year: int) -> list[list[str]]:
    """A result for every member of `county` at the end of `year` (arrivals from outside
    since then are not theirs to have), the same rows every run."""
    end = datetime.date(year, 12, 31)
    members = (
        Member.objects.filter(member_on_q(end), subtree_q(county, "organization__"))
        .exclude(transfers__kind=TransferKind.INBOUND)
        .select_related("organization")
        .order_by("id_number")
    )
    rnd = random.Random(year)  # noqa: S311 - demo data, not security
    rows = []
    unqualified_given = False
    for member in members:
        draw = rnd.random()
        result, disposition, disposed_on, note = "合格", "", "", ""
        if draw < EXCELLENT_SHARE:
            result = "优秀"
        elif draw < EXCELLENT_SHARE + BASIC_SHARE:
            result = "基本合格"
        if not unqualified_given and member.organization.code == UNQUALIFIED_IN:
            unqualified_given = True
            result, disposition = "不合格", "限期改正"
            disposed_on = datetime.date(year, 12, 28).isoformat()
            note = "长期不参加组织生活，限期三个月改正"
        rows.append(
            [member.id_number, member.name, str(year), result, disposition, disposed_on, note]
        )
    return rows


def load_demo_appraisals(county: Organization, today: datetime.date) -> str:
    year = today.year - 1
    dataset = tablib.Dataset(*appraisal_rows(county, year), headers=HEADERS)
    report = run_import(AppraisalResource(source="seed_demo"), dataset)
    if not report.ok:
        raise ValueError("；".join(str(e) for e in report.errors[:5]))
    return f"{year} 年度民主评议 " + report.summary().rstrip("。")


def _arrival_id_number() -> str:
    first17 = "320508" + "19880412" + "135"  # 苏州 姑苏区, born 1988-04-12, male
    return first17 + check_character(first17)


def load_demo_arrival(staff, today: datetime.date) -> str:
    if Transfer.objects.filter(kind=TransferKind.INBOUND).exists():
        return ""
    receiver = Organization.objects.filter(code=ARRIVAL_TO).first()
    if receiver is None:
        return ""
    person = Member(
        name=ARRIVAL_NAME,
        id_number=_arrival_id_number(),
        gender="M",
        ethnicity="01",
        education="bachelor",
        job="professional",
        category="full",
        joined_on=datetime.date(2012, 6, 18),
        confirmed_on=datetime.date(2013, 6, 18),
        phone="13962001234",
    )
    received_on = _day(today, 40)
    transfer = inbound_register(
        user=staff,
        person=person,
        to_organization=receiver,
        origin=ARRIVAL_FROM,
        origin_letter_number=ARRIVAL_LETTER.format(year=received_on.year),
        origin_letter_date=_day(today, 45),
        reason="工作调动，随工作单位迁入",
        on=received_on,
    )
    transfer = transfer_accept(user=staff, transfer=transfer, on=_day(today, 38), note="已报到")
    transfer_record_receipt(user=staff, transfer=transfer, on=_day(today, 30))
    return "从县外转入 1 人（已确认报到、寄出回执）"


def load_demo_letter(staff) -> str:
    transfer = (
        Transfer.objects.filter(
            kind=TransferKind.OUTBOUND,
            state=TransferState.COMPLETED,
            from_organization__code=OUT_FROM,
            letter_number__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if transfer is None:
        return ""
    issued = letter_issue(
        user=staff, transfer=transfer, on=transfer.requested_on, valid_days=letter_valid_days()
    )
    return f"开具转出介绍信 {issued.letter_label}"


def load_demo_records() -> str:
    staff = account(STAFF)
    county = Organization.objects.filter(code=COUNTY).first()
    if staff is None or county is None:
        return "民主评议与转接：无演示县，跳过"
    today = demo_today()
    done = [
        load_demo_appraisals(county, today),
        load_demo_arrival(staff, today),
        load_demo_letter(staff),
    ]
    return "；".join(part for part in done if part)
