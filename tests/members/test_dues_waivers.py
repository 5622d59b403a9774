"""免交/少交 approved by the branch: recorded with the approval, shown on the member's page,
applied by the dues sheet, the importer and the records already entered; only staff of
the member's subtree record one, and nobody outside it sees one."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.importing import run_import
from core.periods import add_months, month_start
from members.dues.findings import arrears, arrears_window, lapse_window, six_month_flags
from members.dues.recording import save_month_sheet
from members.dues.sheet import SheetEntry, fill_in_full, month_sheet
from members.dues.waivers import (
    record_waiver,
    unrecorded_exempt_months,
    waiver_for,
    withdraw_waiver,
)
from members.models import DuesRecord, DuesWaiver, WaiverApprover, WaiverKind
from members.resources.dues import DuesResource
from tests.factories import make_member

D = Decimal
TODAY = timezone.localdate()
LAST = add_months(month_start(TODAY), -1)  # the last complete month
BEFORE = add_months(LAST, -1)
EARLIER = add_months(LAST, -2)


def paid_on(month: datetime.date) -> datetime.date:
    return month.replace(day=5)


def waiver(member, *, kind=WaiverKind.EXEMPT, first=BEFORE, last=LAST, amount=None, **extra):
    return DuesWaiver(
        member=member,
        kind=kind,
        approved_by=extra.pop("approved_by", WaiverApprover.COMMITTEE),
        decided_on=extra.pop("decided_on", EARLIER),
        reason=extra.pop("reason", "长期患病，经济困难"),
        first_month=first,
        last_month=last,
        amount=amount,
    )


def sheet(user, org, month, *entries):
    return save_month_sheet(user=user, organization=org, month=month, rows=list(entries))


@pytest.fixture
def worker(tree):
    return make_member(tree["A1"], job="worker", name="张困难")


@pytest.fixture
def other(tree):
    return make_member(tree["A1"], job="worker", name="李按时")


# --- the approval itself ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"first": LAST, "last": BEFORE}, "last_month", "不能早于起始月份"),
        ({"kind": WaiverKind.REDUCED}, "amount", "少交须填写"),
        ({"amount": D("0.5")}, "amount", "免交不填写金额"),
        ({"decided_on": TODAY + datetime.timedelta(days=1)}, "decided_on", "不能晚于今天"),
        ({"approved_by": "township"}, "approved_by", ""),
    ],
)
def test_an_approval_must_be_whole(bob, worker, changes, field, fragment):
    with pytest.raises(ValidationError) as exc:
        record_waiver(user=bob, waiver=waiver(worker, **changes))
    assert fragment in " ".join(exc.value.message_dict[field])
    assert not DuesWaiver.objects.exists()


def test_approvals_of_one_member_never_overlap(bob, worker):
    first = record_waiver(user=bob, waiver=waiver(worker, first=BEFORE, last=LAST))
    assert first.history.latest().history_user == bob
    with pytest.raises(ValidationError) as exc:
        record_waiver(user=bob, waiver=waiver(worker, first=LAST, last=LAST))
    assert "重叠" in exc.value.message_dict["first_month"][0]
    # The month before the first one is free; months are stored as the first day.
    record_waiver(
        user=bob, waiver=waiver(worker, first=EARLIER.replace(day=9), last=EARLIER.replace(day=20))
    )
    assert DuesWaiver.objects.filter(first_month=EARLIER, last_month=EARLIER).exists()


def test_the_approval_covers_its_first_and_last_month_only(bob, worker):
    record_waiver(user=bob, waiver=waiver(worker, first=BEFORE, last=BEFORE))
    assert waiver_for(worker, EARLIER) is None
    assert waiver_for(worker, BEFORE).kind == WaiverKind.EXEMPT
    assert waiver_for(worker, LAST) is None


# --- the sheet applies it -----------------------------------------------------------------
def test_an_exempt_month_is_due_nothing_and_is_no_arrear(bob, tree, worker, other, settings):
    settings.DUES_ARREARS_MONTHS = 1  # the window is the last complete month alone
    record_waiver(user=bob, waiver=waiver(worker, first=LAST, last=LAST))
    lines = {line.member.name: line for line in month_sheet(tree["A1"], LAST)}
    assert (lines["张困难"].amount_due, lines["张困难"].waiver.kind) == (D("0"), "exempt")
    sheet(
        bob,
        tree["A1"],
        LAST,
        SheetEntry(worker.pk, None, None, None),  # no base needed in an exempt month
        SheetEntry(other.pk, D("4000"), D("0"), None),
    )
    record = DuesRecord.objects.get(member=worker, month=LAST)
    assert (record.amount_due, record.amount_paid, record.rate) == (D("0"), D("0"), None)
    owing = {a.member.name for a in arrears(tree["A1"], TODAY)}
    assert owing == {"李按时"}


def test_the_month_before_and_after_an_approval_follow_the_brackets(bob, tree, worker):
    record_waiver(user=bob, waiver=waiver(worker, first=BEFORE, last=BEFORE))
    for month in (EARLIER, BEFORE, LAST):
        sheet(bob, tree["A1"], month, SheetEntry(worker.pk, D("4000"), D("0"), None))
    dues = dict(DuesRecord.objects.filter(member=worker).values_list("month", "amount_due"))
    assert dues == {EARLIER: D("40.00"), BEFORE: D("0.00"), LAST: D("40.00")}


def test_a_reduced_month_is_due_the_approved_amount(bob, tree, worker):
    record_waiver(
        user=bob, waiver=waiver(worker, kind=WaiverKind.REDUCED, amount=D("5"), first=LAST)
    )
    line = next(line for line in month_sheet(tree["A1"], LAST) if line.member == worker)
    assert line.amount_due == D("5")
    [filled] = fill_in_full([line], [SheetEntry(worker.pk, D("4000"), None, None)], today=TODAY)
    assert (filled.amount_paid, filled.paid_on) == (D("5"), TODAY)
    sheet(bob, tree["A1"], LAST, SheetEntry(worker.pk, D("4000"), D("3"), paid_on(LAST)))
    record = DuesRecord.objects.get(member=worker, month=LAST)
    assert (record.amount_due, record.amount_paid, record.is_paid) == (D("5"), D("3"), False)
    [owed] = [a for a in arrears(tree["A1"], TODAY) if a.member == worker]
    assert (owed.unpaid_months, owed.amount_owed) == (1, D("2"))


def test_paying_in_an_exempt_month_is_voluntary(bob, tree, worker):
    record_waiver(user=bob, waiver=waiver(worker, first=LAST))
    sheet(bob, tree["A1"], LAST, SheetEntry(worker.pk, None, D("1"), paid_on(LAST)))
    line = next(line for line in month_sheet(tree["A1"], LAST) if line.member == worker)
    assert (line.amount_due, line.is_paid, line.voluntary) == (D("0"), True, D("1"))


def test_the_importer_applies_the_approval(bob, worker):
    record_waiver(user=bob, waiver=waiver(worker, first=LAST))
    headers = ["公民身份号码", "月份", "缴费基数（元）", "实缴金额（元）", "缴纳日期"]
    dataset = tablib.Dataset([worker.id_number, f"{LAST:%Y-%m}", "", "", ""], headers=headers)
    report = run_import(DuesResource(user=bob, source="test"), dataset)
    assert report.ok, [str(e) for e in report.errors]
    assert DuesRecord.objects.get(member=worker).amount_due == D("0")


# --- recorded months follow the approvals -------------------------------------------------
def test_a_late_approval_and_its_withdrawal_compute_recorded_months_again(bob, tree, worker):
    for month in (BEFORE, LAST):
        sheet(bob, tree["A1"], month, SheetEntry(worker.pk, D("4000"), D("0"), None))
    approval = record_waiver(user=bob, waiver=waiver(worker, first=LAST, last=LAST))
    dues = dict(DuesRecord.objects.filter(member=worker).values_list("month", "amount_due"))
    assert dues == {BEFORE: D("40.00"), LAST: D("0.00")}
    assert DuesRecord.objects.get(month=LAST).history.latest().history_user == bob
    # Extended back a month: both are exempt; shortened again: the month it left is not.
    approval.first_month = BEFORE
    record_waiver(user=bob, waiver=approval)
    assert set(DuesRecord.objects.values_list("amount_due", flat=True)) == {D("0")}
    approval.first_month = LAST
    record_waiver(user=bob, waiver=approval)
    assert DuesRecord.objects.get(month=BEFORE).amount_due == D("40.00")
    withdraw_waiver(user=bob, waiver=approval)
    assert DuesRecord.objects.get(month=LAST).amount_due == D("40.00")
    assert not DuesWaiver.objects.exists()
    assert DuesWaiver.history.filter(history_type="-").count() == 1


def test_a_withdrawal_that_leaves_a_month_uncomputable_is_refused(bob, tree, worker):
    approval = record_waiver(user=bob, waiver=waiver(worker, first=LAST))
    sheet(bob, tree["A1"], LAST, SheetEntry(worker.pk, None, None, None))  # no base
    with pytest.raises(ValidationError) as exc:
        withdraw_waiver(user=bob, waiver=approval)
    assert f"{LAST:%Y-%m}" in exc.value.messages[0]
    assert "缴费基数" in exc.value.messages[0]
    assert DuesWaiver.objects.filter(pk=approval.pk).exists()
    assert DuesRecord.objects.get(member=worker).amount_due == D("0")


def test_unrecorded_exempt_months_are_counted_for_the_arrears(bob, tree, worker, other):
    record_waiver(user=bob, waiver=waiver(worker, first=EARLIER, last=LAST))
    sheet(bob, tree["A1"], LAST, SheetEntry(worker.pk, None, None, None))
    counts = unrecorded_exempt_months([worker, other], EARLIER, LAST)
    assert counts == {worker.pk: 2}  # EARLIER and BEFORE; LAST has its record


# --- who records and who sees -------------------------------------------------------------
def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "reduced",
        "approved_by": "assembly",
        "decided_on": EARLIER.isoformat(),
        "reason": "家庭遭受火灾",
        "first_month": f"{BEFORE:%Y-%m}",
        "last_month": f"{LAST:%Y-%m}",
        "amount": "2",
    }
    data.update(overrides)
    return data


def test_staff_record_an_approval_from_the_members_page(client, bob, worker):
    client.force_login(bob)
    page = client.get(reverse("members:detail", args=[worker.pk])).content.decode()
    create = reverse("members:dues_waiver_create", args=[worker.pk])
    assert create in page
    response = client.post(create, form_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("members:detail", args=[worker.pk])
    approval = DuesWaiver.objects.get(member=worker)
    assert (approval.kind, approval.amount, approval.approved_by) == ("reduced", D("2"), "assembly")
    assert (approval.first_month, approval.last_month) == (BEFORE, LAST)
    page = response.content.decode()
    assert "家庭遭受火灾" in page
    assert "支部党员大会" in page
    assert f"{BEFORE:%Y-%m}—{LAST:%Y-%m}" in page
    # Edited on its own page, then withdrawn.
    edit = reverse("members:dues_waiver_edit", args=[approval.pk])
    client.post(edit, form_data(kind="exempt", amount=""))
    approval.refresh_from_db()
    assert (approval.kind, approval.amount) == ("exempt", None)
    client.post(reverse("members:dues_waiver_withdraw", args=[approval.pk]))
    assert not DuesWaiver.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_month": "2024-13"}, "first_month"),
        ({"first_month": "0001-01"}, "first_month"),
        ({"last_month": "下个月"}, "last_month"),
        ({"amount": "-1"}, "amount"),
        ({"kind": "free"}, "kind"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_input_is_refused_on_the_form(client, bob, worker, overrides, field):
    client.force_login(bob)
    response = client.post(
        reverse("members:dues_waiver_create", args=[worker.pk]), form_data(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DuesWaiver.objects.exists()


def test_an_overlap_is_shown_on_the_form(client, bob, worker):
    record_waiver(user=bob, waiver=waiver(worker, first=LAST, last=LAST))
    client.force_login(bob)
    response = client.post(
        reverse("members:dues_waiver_create", args=[worker.pk]), form_data(kind="exempt", amount="")
    )
    assert "重叠" in response.context["form"].errors["first_month"][0]
    assert DuesWaiver.objects.count() == 1


def test_a_secretary_sees_the_approval_but_cannot_record_one(client, bob, sam, worker):
    approval = record_waiver(user=bob, waiver=waiver(worker))
    client.force_login(sam)
    page = client.get(reverse("members:detail", args=[worker.pk])).content.decode()
    assert "长期患病，经济困难" in page
    assert reverse("members:dues_waiver_create", args=[worker.pk]) not in page
    assert client.get(reverse("members:dues_waiver_create", args=[worker.pk])).status_code == 403
    assert client.get(reverse("members:dues_waiver_edit", args=[approval.pk])).status_code == 403
    withdraw = reverse("members:dues_waiver_withdraw", args=[approval.pk])
    assert client.post(withdraw).status_code == 403
    with pytest.raises(PermissionDenied):
        record_waiver(user=sam, waiver=waiver(worker, first=EARLIER, last=EARLIER))
    assert DuesWaiver.objects.count() == 1


def test_staff_of_another_subtree_neither_see_nor_change_an_approval(
    client, bob, charlie, worker, quiet_request_log
):
    approval = record_waiver(user=bob, waiver=waiver(worker))
    client.force_login(charlie)
    assert client.get(reverse("members:detail", args=[worker.pk])).status_code == 404
    create = reverse("members:dues_waiver_create", args=[worker.pk])
    assert client.get(create).status_code == 404
    assert client.post(create, form_data(first_month=f"{EARLIER:%Y-%m}")).status_code == 404
    edit = reverse("members:dues_waiver_edit", args=[approval.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data()).status_code == 404
    assert (
        client.post(reverse("members:dues_waiver_withdraw", args=[approval.pk])).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        record_waiver(user=charlie, waiver=waiver(worker, first=EARLIER, last=EARLIER))
    with pytest.raises(PermissionDenied):
        withdraw_waiver(user=charlie, waiver=approval)
    approval.refresh_from_db()
    assert (approval.kind, approval.first_month) == ("exempt", BEFORE)
    # The admin lists it for the member's subtree only, and read-only.
    changelist = reverse("admin:members_dueswaiver_changelist")
    assert "张困难" not in client.get(changelist).content.decode()
    client.force_login(bob)
    assert "张困难" in client.get(changelist).content.decode()
    change = reverse("admin:members_dueswaiver_change", args=[approval.pk])
    assert client.post(change, {"reason": "改"}).status_code == 403


def test_the_members_page_lists_approvals_in_a_constant_number_of_queries(
    client, bob, worker, django_assert_max_num_queries
):
    month = LAST
    for _ in range(6):
        record_waiver(user=bob, waiver=waiver(worker, first=month, last=month))
        month = add_months(month, -1)
    client.force_login(bob)
    # the member's page: its record, history, approvals and 民主评议 results
    with django_assert_max_num_queries(14):
        response = client.get(reverse("members:detail", args=[worker.pk]))
    assert response.content.decode().count("长期患病，经济困难") == 6


def test_a_refused_withdrawal_is_explained_on_the_members_page(client, bob, tree, worker):
    approval = record_waiver(user=bob, waiver=waiver(worker, first=LAST))
    sheet(bob, tree["A1"], LAST, SheetEntry(worker.pk, None, None, None))  # no base
    client.force_login(bob)
    response = client.post(reverse("members:dues_waiver_withdraw", args=[approval.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("members:detail", args=[worker.pk])
    assert "无法按新的批准计算" in response.content.decode()
    assert DuesWaiver.objects.filter(pk=approval.pk).exists()
    assert (
        client.get(reverse("members:dues_waiver_withdraw", args=[approval.pk])).status_code == 405
    )


# --- arrears and the six-month flag ---------------------------------------------------------
def test_months_approved_as_exempt_are_not_owed_before_they_are_recorded(bob, tree, worker):
    joined = worker.joined_on
    assert joined < EARLIER
    window_first, window_last = arrears_window(TODAY)
    record_waiver(user=bob, waiver=waiver(worker, first=window_first, last=window_last))
    assert [a for a in arrears(tree["A"], TODAY) if a.member.pk == worker.pk] == []


def test_an_exempt_member_is_not_flagged_for_six_months_without_dues(bob, tree, worker, other):
    first, last = lapse_window(TODAY)
    # the subtree records dues (the flag is quiet before): the other member pays
    month = first
    while month <= last:
        sheet(bob, tree["A1"], month, SheetEntry(other.pk, D("4000"), D("20"), paid_on(month)))
        month = add_months(month, 1)
    flagged = {f.member.pk for f in six_month_flags(tree["A"], TODAY) if f.no_dues}
    assert worker.pk in flagged
    record_waiver(user=bob, waiver=waiver(worker, first=first, last=last))
    flagged = {f.member.pk for f in six_month_flags(tree["A"], TODAY) if f.no_dues}
    assert worker.pk not in flagged
