"""Every rate the portal shows is written the same way for the same part and whole: the
one rounding rule (core.numbers.rate, half up to 0.1) and the one way to write it
(core.numbers.percent, one decimal place). 1 of 16 is 6.25 %: "6.3%" on every page (half
even or truncation would write 6.2); 4 of 16 is "25.0%", never "25%" on one page and
"25.0%" on the next.

One township of 16 villages (its own list removed, so that 16 lists are issued) where
`part` of each whole is met: lists submitted, standards sheets passed, the budget
disbursed, dues paid.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checklists.choices import ListStatus
from checklists.issuing import issue_checklists
from checklists.models import ResponsibilityList
from core.periods import Period, Quarter
from funding.models import FundLine
from funding.services.funds import disbursement_record
from members.models import DuesRecord
from tests.assessments.test_standards import score
from tests.factories import make_member, make_org

WHOLE = 16
TODAY = timezone.localdate()
CLOSED = Period.quarter_of(TODAY).previous


def _text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def township(tree, alice):
    town = make_org(tree["C"], code="T", name="丁镇党委", kind="committee", level="township")
    villages = [make_org(town, code=f"T{n:02d}", name=f"丁{n}村支部") for n in range(WHOLE)]
    return town, villages


def _build(alice, town, villages, part: int) -> None:
    # Lists of the closed quarter: 16 issued (the township's own removed), `part` submitted.
    issue_checklists(quarter=Quarter(CLOSED.year, CLOSED.number))
    ResponsibilityList.objects.filter(organization=town).delete()
    lists = ResponsibilityList.objects.filter(
        organization__in=villages, year=CLOSED.year, quarter=CLOSED.number
    ).order_by("organization__code")
    assert lists.count() == WHOLE
    for checklist in lists[:part]:
        checklist.status = ListStatus.SUBMITTED
        checklist.submitted_at = timezone.now()
        checklist.save()
    # Standards of the closed quarter's year: 16 scored, `part` passed.
    for index, village in enumerate(villages):
        score(alice, village, "95" if index < part else "60", year=CLOSED.year)
    # Funds: `part` sixteenths of the budget disbursed within the closed quarter.
    line = FundLine.objects.create(
        code="F-T",
        year=CLOSED.year,
        organization=town,
        category="work",
        source="fiscal",
        budget=Decimal(WHOLE * 100),
    )
    disbursement_record(user=None, fund=line, amount=Decimal(part * 100), paid_on=CLOSED.last_day)
    # Dues of this month in one village: 16.00 due, `part` yuan paid.
    member = make_member(villages[0])
    DuesRecord.objects.create(
        member=member,
        month=TODAY.replace(day=1),
        basis="farmer",
        amount_due=Decimal(WHOLE),
        amount_paid=Decimal(part),
        paid_on=TODAY.replace(day=1),
    )


@pytest.mark.parametrize(("part", "text"), [(1, "6.3%"), (4, "25.0%")])
def test_the_same_part_of_the_same_whole_reads_the_same_on_every_page(
    client, alice, township, part, text
):
    town, villages = township
    _build(alice, town, villages, part)
    client.force_login(alice)
    period = {"period": str(CLOSED)}

    # The dashboard of the township: the tiles of every rate.
    page = _text(client.get("/", {"org": "T", **period}))
    for label in ("清单提交率", "达标率（已评）", "经费执行率"):
        tile = re.search(
            rf'<span class="stat__label">{label}</span> <span class="stat__value[^"]*">([^<]*)<',
            page,
        )
        assert tile, label
        assert tile.group(1) == text, label

    # The county's ranking: the township's row, and the chart's data table.
    county = _text(client.get("/", {"org": "C", **period}))
    row = re.search(
        r"<tr> <td class=\"num\">[^<]*(?:<[^>]+>[^<]*)*?</td> <th scope=\"row\">"
        r"<a href=\"\?org=T&amp;[^\"]*\">丁镇党委</a></th>(.*?)</tr>",
        county,
    )
    assert row, "ranking row"
    assert row.group(1).count(f">{text}</a>") == 3  # submission, standards, funds
    assert f'<th scope="row">丁镇党委</th><td class="num">{text}</td>' in county  # chart

    # Dues: the header and the village's row.
    dues = _text(client.get(reverse("members:dues"), {"org": "T"}))
    assert f'收缴率</span><span class="stat__value">{text}</span>' in dues
    assert dues.count(f'<td class="num">{text}</td>') == 1  # 丁0村支部's row

    # Funds execution and standards pages of the township.
    funds = _text(client.get(reverse("funding:index"), {"org": "T", "year": CLOSED.year}))
    assert f'<span class="rate__text">{text}</span>' in funds
    standards = _text(
        client.get(reverse("assessments:standards"), {"org": "T", "year": CLOSED.year})
    )
    assert (
        f'<span class="stat__value">{text}</span><span class="stat__label">达标率（已评）'
        in standards
    )
