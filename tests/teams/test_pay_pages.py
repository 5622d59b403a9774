"""The cadre pay pages: a village's cadres of a year against the standard that applies
(the nearest organisation above that set one), adding and changing rows; the standards of
the user's scope. Scope on every page, the readers who cannot write, money as written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, AuditKind
from teams.models import CadrePay, PayStandard
from teams.services.pay import save_pay, save_standard
from tests.helpers import id_number

YEAR = timezone.localdate().year
STANDARDS = reverse("teams:pay_standards")


def list_url(code: str = "A1", year: int | None = None) -> str:
    url = reverse("teams:pay", args=[code])
    return f"{url}?year={year}" if year else url


def page_url(pay: CadrePay) -> str:
    return reverse("teams:pay_row", args=[pay.organization.code, pay.pk])


def pay_of(
    user, org, *, name="韩书记", seq=1, year=YEAR, base="30000", performance="6000", **fields
) -> CadrePay:
    pay = CadrePay(
        organization=org,
        name=name,
        id_number=id_number("1976-11-11", seq=seq),
        year=year,
        base_pay=Decimal(base),
        performance_pay=Decimal(performance),
        **fields,
    )
    return save_pay(user=user, pay=pay)


def standard(user, org, amount: str, year: int = YEAR) -> PayStandard:
    return save_standard(
        user=user,
        standard=PayStandard(organization=org, year=year, minimum_total=Decimal(amount)),
    )


@pytest.fixture
def pay(bob, tree):
    return pay_of(bob, tree["A1"], post="村党组织书记", health_check_done=True, grade="competent")


def test_the_year_s_rows_with_money_written_in_full(client, bob, pay):
    client.force_login(bob)
    text = client.get(list_url()).content.decode()
    assert "韩书记" in text
    assert "村党组织书记" in text
    assert "30,000.00" in text
    assert "6,000.00" in text
    assert "36,000.00" in text
    assert "称职" in text
    assert "已体检" in text
    assert f"{YEAR} 年尚无适用的报酬标准" in text


def test_the_nearest_standard_above_applies_and_rows_below_it_are_marked(
    client, alice, bob, tree, pay
):
    pay_of(bob, tree["A1"], name="许委员", seq=2, base="20000", performance="0")
    standard(alice, tree["C"], "30000")
    client.force_login(bob)
    page = client.get(list_url())
    text = page.content.decode()
    assert page.context["standard"].organization.code == "C"
    assert "不低于 30,000.00 元（测试县委制定）" in text
    assert [r.pay.name for r in page.context["rows"] if r.below_standard] == ["许委员"]
    assert "1 人低于标准" in text
    # The township's own standard is nearer than the county's.
    standard(bob, tree["A"], "40000")
    page = client.get(list_url())
    assert page.context["standard"].organization.code == "A"
    assert sorted(r.pay.name for r in page.context["rows"] if r.below_standard) == [
        "许委员",
        "韩书记",
    ]
    # Another year has no standard yet.
    pay_of(bob, tree["A1"], year=YEAR - 1)
    assert client.get(list_url(year=YEAR - 1)).context["standard"] is None


def test_the_year_picker_offers_the_years_with_rows(client, bob, tree, pay):
    pay_of(bob, tree["A1"], year=YEAR - 2)
    client.force_login(bob)
    page = client.get(list_url(year=YEAR - 2))
    assert page.context["year"] == YEAR - 2
    assert [row.pay.year for row in page.context["rows"]] == [YEAR - 2]
    # A year not offered (or garbage) falls back to this year, no error page.
    assert client.get(list_url(year=1800)).context["year"] == YEAR
    assert client.get(reverse("teams:pay", args=["A1"]) + "?year=abc").context["year"] == YEAR


def test_staff_add_and_change_a_row(client, bob):
    client.force_login(bob)
    page = client.get(list_url())
    token = page.context["form"]["submission"].value()
    data = {
        "name": "曹会计",
        "id_number": id_number(seq=5),
        "year": YEAR,
        "post": "会计",
        "base_pay": "24000",
        "performance_pay": "3600.5",
        "health_check_done": "on",
        "grade": "excellent",
        "submission": token,
    }
    assert client.post(list_url(), data).status_code == 302
    assert client.post(list_url(), data).status_code == 302  # the repeat saves nothing
    row = CadrePay.objects.get()
    assert row.total == Decimal("27600.50")
    data = {
        "name": "曹会计",
        "year": YEAR,
        "post": "会计",
        "base_pay": "26000",
        "performance_pay": "3600.5",
        "grade": "excellent",
    }
    assert client.post(page_url(row), data).status_code == 302
    text = client.get(page_url(row)).content.decode()
    assert "基本报酬（元）：24000.00 → 26000.00" in text
    assert "当年已体检：是 → 否" in text


def test_a_half_filled_row_keeps_what_was_typed(client, bob, pay):
    client.force_login(bob)
    data = {
        "name": "蒋半填",
        "id_number": "",
        "year": YEAR,
        "post": "妇联主席",
        "base_pay": "-5",
        "performance_pay": "abc",
    }
    text = client.post(list_url(), data).content.decode()
    assert "未保存，请按提示修改。" in text
    assert "不能为负数。" in text
    assert "应为数字" in text
    assert 'value="蒋半填"' in text
    assert 'value="妇联主席"' in text
    # The same person's year twice names the row to change instead.
    data = {
        "name": "韩书记",
        "id_number": pay.id_number,
        "year": YEAR,
        "base_pay": "1",
        "performance_pay": "0",
    }
    assert "年的报酬已登记" in client.post(list_url(), data).content.decode()
    assert CadrePay.objects.count() == 1


def test_a_township_is_told_pay_is_kept_in_villages(client, bob):
    client.force_login(bob)
    assert "本页只适用于村、社区党组织" in client.get(list_url("A")).content.decode()
    assert client.post(list_url("A"), {"name": "x"}).status_code == 404


def test_another_subtree_gets_404_on_every_page_and_post(
    client, alice, charlie, tree, pay, quiet_request_log
):
    county_standard = standard(alice, tree["A"], "30000")
    client.force_login(charlie)
    edit = reverse("teams:pay_standard", args=[county_standard.pk])
    for url in (list_url(), page_url(pay), edit):
        assert client.get(url).status_code == 404
        assert client.post(url, {"base_pay": "1", "minimum_total": "1"}).status_code == 404
    pay.refresh_from_db()
    assert pay.base_pay == Decimal("30000")
    # Their standards page lists none of A's.
    assert "甲镇党委" not in client.get(STANDARDS).content.decode()


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_secretaries_and_leaders_read_but_do_not_write(
    client, request, reader, alice, tree, pay, quiet_request_log
):
    county_standard = standard(alice, tree["C"], "30000")
    client.force_login(request.getfixturevalue(reader))
    page = client.get(list_url())
    assert page.status_code == 200
    assert "韩书记" in page.content.decode()
    assert page.context["form"] is None
    assert client.post(list_url(), {"name": "x"}).status_code == 403
    assert client.get(page_url(pay)).status_code == 403
    assert client.post(page_url(pay), {"base_pay": "1"}).status_code == 403
    standards = client.get(STANDARDS)
    assert standards.status_code == 200
    assert standards.context["form"] is None
    data = {"organization": tree["C"].pk, "year": YEAR + 1, "minimum_total": "1"}
    assert client.post(STANDARDS, data).status_code == 403
    edit = reverse("teams:pay_standard", args=[county_standard.pk])
    assert client.post(edit, {"minimum_total": "1"}).status_code in (403, 404)
    assert PayStandard.objects.get().minimum_total == Decimal("30000")


def test_the_record_page_shows_the_number_in_full_only_with_the_permission(client, bob, pay):
    client.force_login(bob)
    assert pay.id_number not in client.get(page_url(pay)).content.decode()
    bob.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
    assert pay.id_number in client.get(page_url(pay)).content.decode()
    assert AuditEvent.objects.filter(kind=AuditKind.FULL_DATA_VIEWED).count() == 1


def test_the_pay_page_reads_in_a_bounded_number_of_queries(
    client, bob, tree, django_assert_max_num_queries
):
    pay_of(bob, tree["A1"])
    client.force_login(bob)
    with django_assert_max_num_queries(30) as small:
        client.get(list_url())
    for n in range(2, 22):
        pay_of(bob, tree["A1"], name="多干部", seq=n)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(list_url()).status_code == 200


# --- the standards -----------------------------------------------------------------------


def test_county_and_township_staff_set_standards_for_their_own(client, alice, bob, tree):
    client.force_login(alice)
    page = client.get(STANDARDS)
    offered = list(page.context["form"].fields["organization"].queryset)
    assert [o.code for o in offered] == ["C", "A", "B"]  # above the villages only
    data = {
        "organization": tree["C"].pk,
        "year": YEAR,
        "minimum_total": "30000",
        "submission": page.context["form"]["submission"].value(),
    }
    assert client.post(STANDARDS, data).status_code == 302
    assert client.post(STANDARDS, data).status_code == 302  # the repeat saves nothing
    assert PayStandard.objects.count() == 1
    assert "30,000.00" in client.get(STANDARDS).content.decode()
    client.force_login(bob)
    page = client.get(STANDARDS)
    assert [o.code for o in page.context["form"].fields["organization"].queryset] == ["A"]
    # The county's standard applies to bob's villages: shown, not editable.
    assert [s.organization.code for s in page.context["above"]] == ["C"]
    text = page.content.decode()
    assert f"{YEAR} 年：测试县委，30,000.00 元" in text
    # A village or an organisation outside the write scope is no choice.
    for org in (tree["A1"], tree["C"]):
        data = {"organization": org.pk, "year": YEAR, "minimum_total": "1"}
        assert "organization" in client.post(STANDARDS, data).context["form"].errors
    data = {"organization": tree["A"].pk, "year": YEAR, "minimum_total": "35000"}
    assert client.post(STANDARDS, data).status_code == 302
    data["minimum_total"] = "36000"
    assert "报酬标准已制定" in client.post(STANDARDS, data).content.decode()


def test_changing_a_standard_keeps_history(client, alice, tree):
    county_standard = standard(alice, tree["C"], "30000")
    client.force_login(alice)
    url = reverse("teams:pay_standard", args=[county_standard.pk])
    response = client.post(url, {"minimum_total": "0"})
    assert "年报酬标准应大于 0。" in response.content.decode()
    assert client.post(url, {"minimum_total": "32000"}).status_code == 302
    assert "年报酬标准（元）：30000.00 → 32000.00" in client.get(url).content.decode()
