"""Importing and exporting the dues table: key (member, month), scope, all-or-nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from core.importing import run_import
from core.periods import add_months, month_start
from core.tables import read_table
from members.models import DuesRecord
from members.resources.dues import DuesResource
from portal.exporting import export_file
from portal.models import ExportLog
from tests.factories import make_member
from tests.helpers import csv_bytes, xlsx_bytes

HEADERS = ["公民身份号码", "姓名", "月份", "缴费基数（元）", "实缴金额（元）", "缴纳日期"]
LAST_MONTH = add_months(month_start(timezone.localdate()), -1)
PAID_ON = LAST_MONTH.replace(day=5).isoformat()


def row(member, **overrides):
    values = {
        "公民身份号码": member.id_number,
        "姓名": member.name,
        "月份": f"{LAST_MONTH:%Y-%m}",
        "缴费基数（元）": "4000",
        "实缴金额（元）": "40",
        "缴纳日期": PAID_ON,
    }
    values.update(overrides)
    return values


def do_import(rows, user=None, dry_run=False, headers=None):
    dataset = read_table(xlsx_bytes(rows, headers or HEADERS), "dues.xlsx")
    return run_import(DuesResource(user=user, source="dues.xlsx"), dataset, dry_run=dry_run)


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


@pytest.fixture
def worker(tree):
    return make_member(tree["A1"], job="worker", name="张工人")


@pytest.fixture
def farmer(tree):
    return make_member(tree["A1"], job="farmer", name="李农民")


def test_it_imports_records_and_computes_the_amount_due(bob, worker, farmer):
    report = do_import(
        [row(worker), row(farmer, **{"缴费基数（元）": "", "实缴金额（元）": "0.50"})], user=bob
    )
    assert report.ok, messages(report)
    assert report.new == 2
    record = DuesRecord.objects.get(member=worker, month=LAST_MONTH)
    assert (record.basis, record.rate, record.amount_due) == (
        "salary",
        Decimal("1.00"),
        Decimal("40.00"),
    )
    assert record.history.first().history_user == bob
    assert DuesRecord.objects.get(member=farmer).amount_due == Decimal("0.50")


def test_it_is_idempotent_and_updates_by_member_and_month(bob, worker):
    assert do_import([row(worker)], user=bob).new == 1
    history = DuesRecord.history.count()
    again = do_import([row(worker)], user=bob)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert DuesRecord.history.count() == history
    changed = do_import(
        [row(worker, **{"缴费基数（元）": "6000", "实缴金额（元）": "90"})], user=bob
    )
    assert (changed.new, changed.updated) == (0, 1), messages(changed)
    record = DuesRecord.objects.get(member=worker)
    assert (record.base, record.amount_due, record.amount_paid) == (
        Decimal("6000.00"), Decimal("90.00"), Decimal("90.00"),
    )  # fmt: skip
    assert DuesRecord.history.count() == history + 1
    # Another month of the same member is another record.
    earlier = f"{add_months(LAST_MONTH, -1):%Y-%m}"
    assert do_import([row(worker, 月份=earlier)], user=bob).new == 1
    assert DuesRecord.objects.filter(member=worker).count() == 2


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"月份": "2024/03"}, "月份", "YYYY-MM"),
        ({"月份": "2024-13"}, "月份", "不是有效月份"),
        ({"月份": ""}, "月份", "必填"),
        ({"月份": "2999-01"}, "月份", "不能晚于本月"),
        ({"月份": "2001-01"}, "月份", "入党日期"),
        ({"姓名": "王错名"}, "姓名", "不一致"),
        ({"缴费基数（元）": ""}, "缴费基数（元）", "必填"),
        ({"缴费基数（元）": "abc"}, "缴费基数（元）", "不是数字"),
        ({"实缴金额（元）": "-5"}, "实缴金额（元）", "负数"),
        ({"实缴金额（元）": "40.123"}, "实缴金额（元）", "两位小数"),
        ({"缴纳日期": ""}, "缴纳日期", "缴纳日期"),
        ({"缴纳日期": "2999-01-01"}, "缴纳日期", "不能晚于今天"),
        ({"公民身份号码": "123"}, "公民身份号码", "18"),
    ],
)
def test_each_bad_value_is_reported_and_nothing_is_written(
    bob, worker, overrides, column, fragment
):
    other = make_member(worker.organization, job="worker", name="赵好人")
    report = do_import([row(other), row(worker, **overrides)], user=bob)
    assert not report.ok
    text = messages(report)
    assert any(f"第3行 [{column}]" in m and fragment in m for m in text), text
    assert not DuesRecord.objects.exists()


def test_a_farmer_paying_above_the_range_pays_the_rest_voluntarily(bob, farmer):
    report = do_import([row(farmer, **{"缴费基数（元）": "", "实缴金额（元）": "3"})], user=bob)
    assert report.ok, messages(report)
    record = DuesRecord.objects.get(member=farmer)
    assert (record.amount_due, record.amount_paid, record.is_paid) == (
        Decimal("1.00"),
        Decimal("3.00"),
        True,
    )


def test_a_member_outside_the_importers_scope_is_an_error(charlie, worker, tree):
    outsider_member = make_member(tree["B1"], job="worker", name="乙村人")
    report = do_import([row(outsider_member), row(worker)], user=charlie)
    assert not report.ok
    assert messages(report) == ["第3行 [公民身份号码] 您的管辖范围内没有该公民身份号码的党员。"]
    assert not DuesRecord.objects.exists()


def test_a_secretary_cannot_import(sam, worker):
    report = do_import([row(worker)], user=sam)
    assert not report.ok
    assert "组织部工作人员" in messages(report)[0]
    assert not DuesRecord.objects.exists()


def test_a_member_and_month_twice_in_one_file_is_reported(bob, worker):
    report = do_import([row(worker), row(worker, **{"实缴金额（元）": "50"})], user=bob)
    assert messages(report) == ["第3行 [公民身份号码] 与第2行重复。"]
    assert not DuesRecord.objects.exists()


def test_an_unknown_column_is_refused(bob, worker):
    report = do_import([row(worker)], user=bob, headers=[*HEADERS, "缴纳方式"])
    assert "未知的列" in messages(report)[0]


def test_csv_and_excel_date_cells_are_accepted(bob, worker):
    data = csv_bytes([row(worker)], HEADERS)
    report = run_import(DuesResource(user=bob), read_table(data, "dues.csv"))
    assert report.ok, messages(report)
    dated = row(worker, 月份=datetime.datetime.combine(add_months(LAST_MONTH, -1), datetime.time()))
    report = do_import([dated], user=bob)
    assert report.ok, messages(report)
    assert DuesRecord.objects.filter(member=worker).count() == 2


def test_dry_run_writes_nothing(bob, worker):
    report = do_import([row(worker)], user=bob, dry_run=True)
    assert report.ok
    assert report.new == 1
    assert not DuesRecord.objects.exists()


def test_the_command_imports_and_exports_masked_with_a_log(tmp_path, bob, leo, worker):
    path = tmp_path / "dues.xlsx"
    path.write_bytes(xlsx_bytes([row(worker)], HEADERS))
    call_command("import_data", "dues", str(path), "--user", "bob")
    assert DuesRecord.objects.count() == 1
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes([row(worker, 月份="2024-00")], HEADERS))
    with pytest.raises(CommandError):
        call_command("import_data", "dues", str(bad), "--user", "bob")
    out = tmp_path / "out.csv"
    call_command("export_data", "dues", "--format", "csv", "--out", str(out), "--user", "leo")
    text = out.read_bytes().decode("utf-8-sig")
    assert "应缴金额（元）" in text.splitlines()[0]
    assert worker.id_number not in text
    assert worker.masked_id_number in text
    assert "40.00" in text
    log = ExportLog.objects.get(kind="dues")
    assert (log.user, log.rows, log.unmasked) == (leo, 1, False)


def test_an_export_with_the_permission_is_unmasked_and_re_imports_unchanged(bob, worker):
    do_import([row(worker)], user=bob)
    bob.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
    bob = type(bob).objects.get(pk=bob.pk)
    content, rows = export_file("dues", "xlsx", user=bob)
    assert rows == 1
    again = run_import(DuesResource(user=bob), read_table(content, "dues.xlsx"))
    assert again.ok, messages(again)
    assert again.unchanged == 1


def test_exports_stay_inside_the_scope(charlie, worker):
    do_import([row(worker)])
    _content, rows = export_file("dues", "csv", user=charlie)
    assert rows == 0


# --- the admin ------------------------------------------------------------------------
def admin_import(client, data: bytes, name="dues.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("admin:members_duesrecord_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile(name, data)},
    )


def test_admin_import_previews_then_confirms_with_history(client, bob, worker):
    client.force_login(bob)
    response = admin_import(client, xlsx_bytes([row(worker)], HEADERS))
    assert response.status_code == 200
    assert not DuesRecord.objects.exists()
    confirm = response.context["confirm_form"]
    data = {name: field.initial for name, field in confirm.fields.items()}
    data.update(dict(confirm.initial.items()))
    response = client.post(reverse("admin:members_duesrecord_process_import"), data)
    assert response.status_code == 302
    record = DuesRecord.objects.get()
    assert (record.amount_due, record.history.first().history_user) == (Decimal("40.00"), bob)


def test_admin_import_reports_an_outsider_row(client, charlie, worker):
    client.force_login(charlie)
    content = admin_import(client, xlsx_bytes([row(worker)], HEADERS)).content.decode()
    assert "第2行 [公民身份号码] 您的管辖范围内没有该公民身份号码的党员。" in content
    assert not DuesRecord.objects.exists()


def test_admin_lists_and_opens_only_the_subtree(client, bob, charlie, worker):
    do_import([row(worker)])
    record = DuesRecord.objects.get()
    client.force_login(bob)
    assert "张工人" in client.get(reverse("admin:members_duesrecord_changelist")).content.decode()
    change = reverse("admin:members_duesrecord_change", args=[record.pk])
    assert client.get(change).status_code == 200
    client.force_login(charlie)
    assert (
        "张工人" not in client.get(reverse("admin:members_duesrecord_changelist")).content.decode()
    )
    assert client.get(change).status_code in (302, 403, 404)
    client.post(change, {"base": "9000", "amount_paid": "135", "paid_on": PAID_ON})
    assert DuesRecord.objects.get().base == Decimal("4000.00")


def test_admin_change_recomputes_the_amount_due(client, bob, worker):
    do_import([row(worker)])
    record = DuesRecord.objects.get()
    client.force_login(bob)
    change = reverse("admin:members_duesrecord_change", args=[record.pk])
    response = client.post(change, {"base": "9000", "amount_paid": "135", "paid_on": PAID_ON})
    assert response.status_code == 302, response.content.decode()[:3000]
    record.refresh_from_db()
    assert (record.rate, record.amount_due) == (Decimal("1.50"), Decimal("135.00"))
    assert record.history.first().history_user == bob
    response = client.post(change, {"base": "", "amount_paid": "135", "paid_on": PAID_ON})
    assert "缴费基数" in response.content.decode()
    record.refresh_from_db()
    assert record.base == Decimal("9000.00")


def test_admin_add_refuses_a_member_outside_the_scope(client, charlie, worker):
    client.force_login(charlie)
    response = client.post(
        reverse("admin:members_duesrecord_add"),
        {"member": worker.pk, "month": LAST_MONTH.isoformat(), "base": "4000",
         "amount_paid": "40", "paid_on": PAID_ON},
    )  # fmt: skip
    assert response.status_code == 200
    assert not DuesRecord.objects.exists()


def test_admin_export_is_masked_and_logged(client, bob, worker):
    do_import([row(worker)])
    client.force_login(bob)
    response = client.post(
        reverse("admin:members_duesrecord_export"),
        {
            "format": "1",
            "resource": "0",
            **{f"duesresource_{f}": "on" for f in DuesResource().fields},
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    text = response.content.decode("utf-8-sig")
    assert worker.masked_id_number in text
    assert worker.id_number not in text
    assert ExportLog.objects.filter(kind="dues", user=bob, channel="admin").exists()


def test_the_import_does_not_query_per_row(bob, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [
        make_member(tree["A1"], job="worker", name=f"党员{chr(0x4E00 + i)}") for i in range(30)
    ]

    def count(members, month):
        rows = [row(m, 月份=f"{month:%Y-%m}") for m in members]
        dataset = read_table(xlsx_bytes(rows, HEADERS), "dues.xlsx")
        with CaptureQueriesContext(connection) as queries:
            report = run_import(DuesResource(user=bob), dataset)
        assert report.ok, messages(report)
        return len(queries)

    count(people[:1], add_months(LAST_MONTH, -2))  # warm the per-process caches
    assert count(people[:3], LAST_MONTH) == count(people, add_months(LAST_MONTH, -1))
