"""A branch's monthly dues sheet: one screen, saved whole, all or nothing, inside the scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.periods import add_months, month_start
from members.dues.recording import DuesSheetError, save_month_sheet
from members.dues.sheet import SheetEntry, month_sheet
from members.models import DuesRecord
from tests.factories import make_member

D = Decimal
MONTH = add_months(month_start(timezone.localdate()), -1)
PAID_ON = MONTH.replace(day=5)


def url(org, month=MONTH):
    return reverse("members:dues_sheet", args=[org.code, month.year, month.month])


@pytest.fixture
def branch(tree):
    """Village A1 with a worker, a pensioner and a farmer."""
    return {
        "worker": make_member(tree["A1"], job="worker", name="张工人"),
        "retired": make_member(tree["A1"], job="retired", name="李退休"),
        "farmer": make_member(tree["A1"], job="farmer", name="王农民"),
    }


def entries(branch, **changes):
    rows = {
        "worker": SheetEntry(branch["worker"].pk, D("4000"), D("40"), PAID_ON),
        "retired": SheetEntry(branch["retired"].pk, D("5000"), D("25"), PAID_ON),
        "farmer": SheetEntry(branch["farmer"].pk, None, D("0.50"), PAID_ON),
    }
    rows.update(changes)
    return list(rows.values())


def post_data(branch, **overrides):
    data = {
        f"base-{branch['worker'].pk}": "4000",
        f"paid-{branch['worker'].pk}": "40",
        f"paid_on-{branch['worker'].pk}": PAID_ON.isoformat(),
        f"base-{branch['retired'].pk}": "5000",
        f"paid-{branch['retired'].pk}": "25",
        f"paid_on-{branch['retired'].pk}": PAID_ON.isoformat(),
        f"paid-{branch['farmer'].pk}": "0.5",
        f"paid_on-{branch['farmer'].pk}": PAID_ON.isoformat(),
        "save": "1",
    }
    data.update(overrides)
    return data


# --- the service ----------------------------------------------------------------------
def test_saving_writes_one_record_per_member_with_history(bob, tree, branch):
    result = save_month_sheet(user=bob, organization=tree["A1"], month=MONTH, rows=entries(branch))
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    worker = DuesRecord.objects.get(member=branch["worker"], month=MONTH)
    assert (worker.rate, worker.amount_due, worker.amount_paid) == (D("1.00"), D("40.00"), D("40"))
    retired = DuesRecord.objects.get(member=branch["retired"])
    assert (retired.basis, retired.rate, retired.amount_due) == ("retired", D("0.50"), D("25.00"))
    farmer = DuesRecord.objects.get(member=branch["farmer"])
    assert (farmer.base, farmer.amount_due, farmer.is_paid) == (None, D("0.50"), True)
    assert {h.history_user for h in DuesRecord.history.all()} == {bob}


def test_re_saving_is_idempotent_and_history_follows_real_changes(bob, tree, branch):
    save_month_sheet(user=bob, organization=tree["A1"], month=MONTH, rows=entries(branch))
    assert DuesRecord.history.count() == 3
    again = save_month_sheet(user=bob, organization=tree["A1"], month=MONTH, rows=entries(branch))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert DuesRecord.history.count() == 3
    raised = entries(branch, worker=SheetEntry(branch["worker"].pk, D("6000"), D("90"), PAID_ON))
    changed = save_month_sheet(user=bob, organization=tree["A1"], month=MONTH, rows=raised)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert DuesRecord.history.count() == 4
    assert DuesRecord.objects.get(member=branch["worker"]).amount_due == D("90.00")
    assert DuesRecord.objects.count() == 3


def test_one_bad_row_leaves_the_database_unchanged_and_names_the_member(bob, tree, branch):
    save_month_sheet(user=bob, organization=tree["A1"], month=MONTH, rows=entries(branch))
    before = list(DuesRecord.objects.order_by("pk").values())
    bad = entries(
        branch,
        worker=SheetEntry(branch["worker"].pk, D("9000"), D("135"), PAID_ON),
        farmer=SheetEntry(branch["farmer"].pk, None, D("0.50"), None),
    )
    with pytest.raises(DuesSheetError) as exc:
        save_month_sheet(user=bob, organization=tree["A1"], month=MONTH, rows=bad)
    assert [str(p) for p in exc.value.problems] == [
        "第3行 王农民 [缴纳日期] 已填写实缴金额，请填写缴纳日期。"
    ]
    assert list(DuesRecord.objects.order_by("pk").values()) == before
    assert DuesRecord.history.count() == 3


def test_a_member_of_another_branch_is_refused(bob, tree, branch):
    stranger = make_member(tree["A2"], job="worker", name="外支部")
    rows = [*entries(branch), SheetEntry(stranger.pk, D("3000"), D("15"), PAID_ON)]
    with pytest.raises(DuesSheetError) as exc:
        save_month_sheet(user=bob, organization=tree["A1"], month=MONTH, rows=rows)
    assert "第4行" in str(exc.value)
    assert "不是本组织" in str(exc.value)
    assert not DuesRecord.objects.exists()


def test_only_staff_with_write_scope_may_save(sam, charlie, tree, branch):
    for user in (sam, charlie):
        with pytest.raises(PermissionDenied):
            save_month_sheet(user=user, organization=tree["A1"], month=MONTH, rows=entries(branch))
    assert not DuesRecord.objects.exists()


def test_the_sheet_carries_the_last_base_forward(bob, tree, branch):
    save_month_sheet(user=bob, organization=tree["A1"], month=MONTH, rows=entries(branch))
    make_member(tree["A1"], job="worker", name="新来的")
    lines = {line.member.name: line for line in month_sheet(tree["A1"], add_months(MONTH, 1))}
    assert lines["张工人"].record is None
    assert (lines["张工人"].base, lines["张工人"].amount_due) == (D("4000.00"), D("40.00"))
    assert lines["新来的"].base is None
    assert lines["新来的"].amount_due is None
    assert lines["王农民"].fixed == (D("0.20"), D("1.00"))
    # Transferred-out and not-yet-joined members are not on the sheet.
    make_member(tree["A1"], name="已转出", status="transferred_out", status_changed_on=MONTH)
    make_member(tree["A1"], name="刚入党", category="probationary", confirmed_on=None,
                joined_on=timezone.localdate())  # fmt: skip
    names = {line.member.name for line in month_sheet(tree["A1"], MONTH)}
    assert names == {"张工人", "李退休", "王农民", "新来的"}


def test_the_sheet_costs_four_queries_whatever_its_size(tree, branch, django_assert_num_queries):
    for i in range(20):
        make_member(tree["A1"], job="worker", name=f"党员{chr(0x4E00 + i)}")
    # members, their records, the approvals (免交/少交) of the month, the brackets
    with django_assert_num_queries(4):
        lines = month_sheet(tree["A1"], MONTH)
    assert len(lines) == 23


# --- the page -------------------------------------------------------------------------
def test_staff_see_and_save_the_whole_sheet(client, bob, tree, branch):
    client.force_login(bob)
    page = client.get(url(tree["A1"]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "张工人" in content
    assert "全部按应缴足额缴纳" in content
    assert f'name="base-{branch["worker"].pk}"' in content
    response = client.post(url(tree["A1"]), post_data(branch))
    assert response.status_code == 302
    assert DuesRecord.objects.filter(month=MONTH).count() == 3
    shown = client.get(url(tree["A1"])).content.decode()
    assert "新增 3 条" in shown
    assert "已足额" in shown


def test_a_bad_row_on_the_page_saves_nothing_and_says_who(client, bob, tree, branch):
    client.force_login(bob)
    data = post_data(branch, **{f"base-{branch['worker'].pk}": ""})
    response = client.post(url(tree["A1"]), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "张工人 [缴费基数（元）]" in content
    assert "整张登记表都没有写入" in content
    assert not DuesRecord.objects.exists()


def test_fill_in_full_fills_the_form_without_saving(client, bob, tree, branch):
    client.force_login(bob)
    data = post_data(branch, fill="1")
    data.pop("save")
    data[f"paid-{branch['worker'].pk}"] = ""
    data[f"paid_on-{branch['worker'].pk}"] = ""
    data[f"paid-{branch['farmer'].pk}"] = ""
    data[f"paid_on-{branch['farmer'].pk}"] = ""
    response = client.post(url(tree["A1"]), data)
    assert response.status_code == 200
    assert not DuesRecord.objects.exists()
    form = response.context["form"]
    today = timezone.localdate()
    assert form.initial[f"paid-{branch['worker'].pk}"] == D("40.00")
    assert form.initial[f"paid_on-{branch['worker'].pk}"] == today
    assert form.initial[f"paid-{branch['farmer'].pk}"] == D("0.20")
    # A row already paid keeps its own date.
    assert form.initial[f"paid_on-{branch['retired'].pk}"] == PAID_ON


def test_the_secretary_reads_his_own_sheet_but_cannot_save(client, sam, tree, branch):
    client.force_login(sam)
    content = client.get(url(tree["A1"])).content.decode()
    assert "张工人" in content
    assert 'name="base-' not in content
    assert "保存整张登记表" not in content
    assert client.post(url(tree["A1"]), post_data(branch)).status_code == 403
    assert not DuesRecord.objects.exists()
    assert client.get(url(tree["A2"])).status_code == 404


def test_an_outsider_can_neither_open_nor_save(client, charlie, tree, branch):
    client.force_login(charlie)
    assert client.get(url(tree["A1"])).status_code == 404
    assert client.post(url(tree["A1"]), post_data(branch)).status_code == 404
    assert not DuesRecord.objects.exists()


def test_a_future_month_cannot_be_entered(client, bob, tree, branch):
    client.force_login(bob)
    future = add_months(month_start(timezone.localdate()), 1)
    content = client.get(url(tree["A1"], future)).content.decode()
    assert "未来的月份" in content
    assert 'name="paid-' not in content
    client.post(url(tree["A1"], future), post_data(branch))
    assert not DuesRecord.objects.exists()
    assert client.get(reverse("members:dues_sheet", args=["A1", 2024, 13])).status_code == 404


@pytest.mark.parametrize("month", ["9999-12", "2101-01", "1920-12", "0001-01", "0000-01"])
def test_a_month_outside_the_portals_years_is_not_found(client, bob, tree, month):
    client.force_login(bob)
    assert client.get(f"/members/dues/A1/{month}/").status_code == 404


def test_the_first_month_of_the_range_links_to_no_month_before(client, bob, tree, branch):
    client.force_login(bob)
    content = client.get(url(tree["A1"], datetime.date(1921, 1, 1))).content.decode()
    assert "上个月" not in content
    assert "上个月" in client.get(url(tree["A1"], datetime.date(1921, 2, 1))).content.decode()


def test_the_page_needs_a_login(client, tree):
    response = client.get(url(tree["A1"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_the_page_costs_the_same_queries_for_3_or_30_members(client, bob, tree, branch):
    client.force_login(bob)
    client.get(url(tree["A1"]))  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(url(tree["A1"]))
    for i in range(27):
        make_member(tree["A1"], job="worker", name=f"党员{chr(0x4E00 + i)}")
    with CaptureQueriesContext(connection) as large:
        assert "党员七" in client.get(url(tree["A1"])).content.decode()
    assert len(large) == len(small) <= 12


def test_the_sheet_uses_today_for_the_paid_date_check(bob, tree, branch):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = entries(branch, worker=SheetEntry(branch["worker"].pk, D("4000"), D("40"), tomorrow))
    with pytest.raises(DuesSheetError) as exc:
        save_month_sheet(user=bob, organization=tree["A1"], month=MONTH, rows=rows)
    assert "不能晚于今天" in str(exc.value)
