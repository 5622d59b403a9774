"""Dues as the regulations write them: paying above the bracket is voluntary (自愿多交) and
never refused; the 0.2 元 class is for students and for members 下岗失业, living on 抚恤 or
救济, or on 低保 — not for every 生活困难 flag."""

from __future__ import annotations

from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.importing import run_import
from core.periods import add_months, month_start
from members.dues.collection import collection_by_organization
from members.dues.findings import arrears
from members.dues.rates import basis_for, figures_for
from members.dues.recording import save_month_sheet
from members.dues.sheet import SheetEntry, month_sheet, sheet_totals
from members.models import DuesBasis, DuesRecord, Member
from members.models.member import HardshipKind
from members.resources.roster import MemberResource
from tests.factories import make_member
from tests.helpers import MEMBER_HEADERS, member_row

D = Decimal
MONTH = add_months(month_start(timezone.localdate()), -1)
PAID_ON = MONTH.replace(day=5)


def farmer_month(member, paid: str):
    return figures_for(
        member=member,
        month=MONTH,
        base=None,
        amount_paid=D(paid),
        paid_on=PAID_ON,
    )


# --- a farmer's month at the edges of the range (0.20–1.00 元) ---------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("paid", "due", "is_paid", "voluntary"),
    [
        ("0.10", "0.20", False, "0"),  # below the range: short, not refused
        ("0.19", "0.20", False, "0"),
        ("0.20", "0.20", True, "0"),
        ("0.50", "0.50", True, "0"),  # inside: the member's own choice is due
        ("1.00", "1.00", True, "0"),
        ("1.01", "1.00", True, "0.01"),  # above: the rest is voluntary
        ("5.00", "1.00", True, "4.00"),
    ],
)
def test_a_farmers_payment_at_the_edges_of_the_range(tree, paid, due, is_paid, voluntary):
    from members.dues.rates import voluntary_part

    farmer = make_member(tree["A1"], job="farmer")
    figures = farmer_month(farmer, paid)
    assert figures.amount_due == D(due)
    assert (figures.amount_paid >= figures.amount_due) is is_paid
    assert voluntary_part(figures.amount_paid, figures.amount_due) == D(voluntary)


def test_a_farmer_paying_5_yuan_is_saved_and_owes_nothing(bob, tree):
    farmer = make_member(tree["A1"], job="farmer", name="王农民")
    short = make_member(tree["A1"], job="farmer", name="李少缴")
    save_month_sheet(
        user=bob,
        organization=tree["A1"],
        month=MONTH,
        rows=[
            SheetEntry(farmer.pk, None, D("5"), PAID_ON),
            SheetEntry(short.pk, None, D("0.10"), PAID_ON),
        ],
    )
    record = DuesRecord.objects.get(member=farmer)
    assert (record.amount_due, record.amount_paid, record.is_paid) == (D("1.00"), D("5"), True)
    owing = {a.member.name: a for a in arrears(tree["A1"], timezone.localdate())}
    assert "王农民" not in owing or owing["王农民"].unpaid_months == 0
    assert owing["李少缴"].unpaid_months == 1
    assert owing["李少缴"].amount_owed == D("0.10")
    lines = {line.member.name: line for line in month_sheet(tree["A1"], MONTH)}
    assert lines["王农民"].voluntary == D("4.00")
    assert lines["李少缴"].voluntary == D("0")
    assert sheet_totals(list(lines.values())).voluntary == D("4.00")
    [row] = collection_by_organization([tree["A1"]], {tree["A1"].pk: 2}, MONTH)
    assert row.voluntary == D("4.00")


def test_the_sheet_shows_a_voluntary_payment(client, bob, tree):
    farmer = make_member(tree["A1"], job="farmer", name="王农民")
    save_month_sheet(
        user=bob,
        organization=tree["A1"],
        month=MONTH,
        rows=[SheetEntry(farmer.pk, None, D("5"), PAID_ON)],
    )
    client.force_login(bob)
    url = reverse("members:dues_sheet", args=["A1", MONTH.year, MONTH.month])
    content = client.get(url).content.decode()
    assert "自愿多交 4.00 元" in content
    assert "含自愿多交 4.00 元" in content


def test_a_salaried_member_paying_more_is_voluntary_too(tree):
    worker = make_member(tree["A1"], job="worker")
    figures = figures_for(
        member=worker, month=MONTH, base=D("4000"), amount_paid=D("100"), paid_on=PAID_ON
    )
    assert (figures.amount_due, figures.amount_paid) == (D("40.00"), D("100"))


# --- the minimum class --------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "basis"),
    [
        (HardshipKind.UNEMPLOYED, DuesBasis.MINIMUM),
        (HardshipKind.ON_RELIEF, DuesBasis.MINIMUM),
        (HardshipKind.SUBSISTENCE, DuesBasis.MINIMUM),
        (HardshipKind.OTHER, DuesBasis.SALARY),
        ("", DuesBasis.SALARY),  # in hardship, the reason not recorded
    ],
)
def test_only_three_hardships_pay_the_minimum(tree, kind, basis):
    member = make_member(tree["A1"], job="worker", is_in_hardship=True, hardship_kind=kind)
    assert basis_for(member) == basis


def test_a_student_pays_the_minimum_without_any_hardship(tree):
    assert basis_for(make_member(tree["A1"], job="student")) == DuesBasis.MINIMUM


def test_a_member_on_subsistence_owes_0_2_and_may_pay_more(tree):
    member = make_member(tree["A1"], job="other", is_in_hardship=True, hardship_kind="subsistence")
    figures = figures_for(
        member=member, month=MONTH, base=D("3000"), amount_paid=D("1"), paid_on=PAID_ON
    )
    assert (figures.basis, figures.base, figures.amount_due) == ("minimum", None, D("0.20"))


def test_a_hardship_kind_needs_the_hardship_flag(tree):
    member = make_member(tree["A1"], job="worker")
    member.hardship_kind = HardshipKind.SUBSISTENCE
    with pytest.raises(ValidationError) as exc:
        member.full_clean()
    assert "低保" in exc.value.message_dict["is_in_hardship"][0]
    member.is_in_hardship = True
    member.full_clean()
    member.hardship_kind = "nonsense"
    with pytest.raises(ValidationError):
        member.full_clean()


def edit_data(member: Member, **overrides: str) -> dict[str, str]:
    data = {
        "name": member.name,
        "id_number": member.id_number,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat(),
        "education": member.education,
        "job": member.job,
        "phone": member.phone,
        "organization": str(member.organization_id),
        "category": member.category,
        "joined_on": member.joined_on.isoformat(),
        "confirmed_on": member.confirmed_on.isoformat(),
        "status": member.status,
        "status_changed_on": "",
        "status_note": "",
        "mobile_destination": "",
        "last_contact_on": "",
    }
    data.update(overrides)
    return data


def test_the_member_form_edits_the_hardship_kind(client, bob, tree):
    member = make_member(tree["A1"], job="worker", name="困难户")
    client.force_login(bob)
    url = reverse("members:edit", args=[member.pk])
    assert "hardship_kind" in client.get(url).context["form"].fields
    response = client.post(url, edit_data(member, hardship_kind="unemployed"))
    assert response.status_code == 200
    assert "下岗失业" in response.context["form"].errors["is_in_hardship"][0]
    response = client.post(url, edit_data(member, is_in_hardship="on", hardship_kind="unemployed"))
    assert response.status_code == 302, response.context["form"].errors
    member.refresh_from_db()
    assert (member.is_in_hardship, member.hardship_kind) == (True, "unemployed")
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "下岗失业" in page


# --- the roster import's optional column -------------------------------------------------
def import_roster(rows, headers, user):
    dataset = tablib.Dataset(*[[r.get(h, "") for h in headers] for r in rows], headers=headers)
    return run_import(MemberResource(user=user, source="test"), dataset)


def test_the_roster_imports_the_hardship_kind(bob, tree):
    headers = [*MEMBER_HEADERS, "生活困难类型"]
    rows = [
        member_row("A1", 1, 是否生活困难党员="是", 生活困难类型="低保"),
        member_row("A1", 2, 是否生活困难党员="", 生活困难类型="依靠抚恤或救济生活"),
        member_row("A1", 3, 是否生活困难党员="是", 生活困难类型=""),
        member_row("A1", 4, 是否生活困难党员="否", 生活困难类型="下岗失业"),
    ]
    report = import_roster(rows, headers, bob)
    assert not report.ok
    [error] = [str(e) for e in report.errors]
    assert "第5行 [是否生活困难党员]" in error
    assert "下岗失业" in error
    report = import_roster(rows[:3], headers, bob)
    assert report.ok, [str(e) for e in report.errors]
    # The second row's flag follows the kind given alone.
    assert list(Member.objects.order_by("pk").values_list("is_in_hardship", "hardship_kind")) == [
        (True, "subsistence"),
        (True, "on_relief"),
        (True, ""),
    ]


def test_a_roster_without_the_column_keeps_the_kind(bob, tree):
    member = make_member(
        tree["A1"], seq=7, job="worker", is_in_hardship=True, hardship_kind="subsistence"
    )
    row = member_row("A1", 7, 姓名=member.name, 工作岗位="工人", 是否生活困难党员="是")
    report = import_roster([row], MEMBER_HEADERS, bob)
    assert report.ok, [str(e) for e in report.errors]
    member.refresh_from_db()
    assert member.hardship_kind == "subsistence"
