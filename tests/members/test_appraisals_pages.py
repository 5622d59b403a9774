"""The 民主评议党员 pages: the results and counts of a subtree and year (everyone in scope
reads), recording and changing a result (staff), the export, and the dashboard's card."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tables import read_table
from members.models import Appraisal
from members.services.appraisals import appraisal_create
from tests.factories import make_member

TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1
LIST = reverse("members:appraisals")
NEW = reverse("members:appraisal_create")
EXPORT = reverse("members:appraisal_export")


@pytest.fixture
def member(tree):
    return make_member(tree["A1"], name="吴评议")


@pytest.fixture
def outsider(tree):
    return make_member(tree["B1"], name="郑外组")


@pytest.fixture
def results(bob, charlie, member, outsider):
    mine = appraisal_create(user=bob, member=member, year=LAST_YEAR, result="unqualified")
    theirs = appraisal_create(user=charlie, member=outsider, year=LAST_YEAR, result="excellent")
    return mine, theirs


def test_the_list_shows_counts_and_results_to_everyone_in_scope(client, sam, leo, results):
    for user in (sam, leo):
        client.force_login(user)
        html = client.get(LIST, {"org": "A1" if user == sam else "C", "year": LAST_YEAR})
        text = html.content.decode()
        assert html.status_code == 200
        assert "吴评议" in text
        assert "不合格" in text
    # The county leader sees both townships in the counts.
    assert "乙镇党委" in text
    assert "郑外组" in text


def test_another_subtree_sees_nothing_of_a(client, charlie, results):
    client.force_login(charlie)
    text = client.get(LIST, {"org": "A1", "year": LAST_YEAR}).content.decode()
    assert "吴评议" not in text
    assert "甲一村支部" not in text
    assert "郑外组" in text  # its own top instead


def test_the_list_opens_on_the_last_year_with_results(client, bob, results):
    client.force_login(bob)
    response = client.get(LIST)
    assert response.context["year"] == LAST_YEAR
    assert response.context["org"].code == "A"


def test_the_list_reads_in_a_bounded_number_of_queries(
    client, bob, tree, django_assert_max_num_queries
):
    client.force_login(bob)
    for _n in range(3):
        appraisal_create(
            user=bob,
            member=make_member(tree["A1"], name="甲党员"),
            year=LAST_YEAR,
            result="qualified",
        )
    with django_assert_max_num_queries(30) as small:
        client.get(LIST, {"org": "A", "year": LAST_YEAR})
    for n in range(20):
        org = tree["A1"] if n % 2 else tree["A2"]
        appraisal_create(
            user=bob, member=make_member(org, name="乙党员"), year=LAST_YEAR, result="basic"
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(LIST, {"org": "A", "year": LAST_YEAR}).status_code == 200


def test_staff_record_a_result_on_the_page(client, bob, member, tree):
    client.force_login(bob)
    url = f"{NEW}?org=A1&year={LAST_YEAR}"
    page = client.get(url).content.decode()
    assert "吴评议" in page
    response = client.post(
        url,
        {
            "member": member.pk,
            "result": "unqualified",
            "disposition": "rectify",
            "disposition_on": TODAY.isoformat(),
            "note": "",
        },
    )
    assert response.status_code == 302
    appraisal = Appraisal.objects.get()
    assert (appraisal.result, appraisal.disposition) == ("unqualified", "rectify")
    # Recorded: the member is no longer offered for that year.
    assert not client.get(url).context["form"].fields["member"].queryset.exists()


def test_bad_input_is_a_form_error_naming_the_field(client, bob, member):
    client.force_login(bob)
    url = f"{NEW}?org=A1&year={LAST_YEAR}"
    response = client.post(
        url,
        {
            "member": member.pk,
            "result": "qualified",
            "disposition": "remove",
            "disposition_on": datetime.date(LAST_YEAR - 1, 12, 31).isoformat(),
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "只有评议结果为“不合格”的党员才有处置，请留空。" in text
    assert f"不能早于评议年度（{LAST_YEAR}年）。" in text
    assert not Appraisal.objects.exists()


def test_staff_change_a_result_and_record_its_disposition(client, bob, results):
    mine, _theirs = results
    client.force_login(bob)
    url = reverse("members:appraisal_edit", args=[mine.pk])
    assert "登记处置" in client.get(f"{LIST}?org=A&year={LAST_YEAR}").content.decode()
    response = client.post(
        url,
        {"result": "unqualified", "disposition": "persuade", "disposition_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.disposition == "persuade"
    mine.member.refresh_from_db()
    assert mine.member.status == "active"


def test_other_subtrees_and_secretaries_change_nothing(client, charlie, sam, member, results):
    mine, _theirs = results
    edit = reverse("members:appraisal_edit", args=[mine.pk])
    data = {"result": "excellent"}
    client.force_login(charlie)
    assert client.get(edit).status_code == 404
    assert client.post(edit, data).status_code == 404
    # Charlie's own top is offered instead of A1: nobody of A1 to record.
    assert "吴评议" not in client.get(f"{NEW}?org=A1&year={LAST_YEAR}").content.decode()
    client.force_login(sam)
    assert client.get(edit).status_code == 403
    assert client.post(edit, data).status_code == 403
    assert client.get(f"{NEW}?org=A1&year={LAST_YEAR}").status_code == 403
    assert client.post(f"{NEW}?org=A1&year={LAST_YEAR}", {"member": member.pk}).status_code == 403
    mine.refresh_from_db()
    assert mine.result == "unqualified"


def test_the_export_holds_the_page_s_results_only(client, bob, charlie, results):
    client.force_login(bob)
    response = client.get(EXPORT, {"org": "A", "year": LAST_YEAR, "format": "xlsx"})
    assert response.status_code == 200
    rows = read_table(response.content, "x.xlsx").dict
    assert [r["姓名"] for r in rows] == ["吴评议"]
    # Another subtree's organisation is no choice: 404, never an empty file.
    assert client.get(EXPORT, {"org": "B", "year": LAST_YEAR, "format": "xlsx"}).status_code == 404
    client.force_login(charlie)
    assert client.get(EXPORT, {"org": "A1", "year": LAST_YEAR, "format": "xlsx"}).status_code == 404


def test_the_member_results_partial_lists_each_year(bob, member):
    from django.template.loader import render_to_string

    from members.services.appraisals import member_appraisals

    appraisal_create(user=bob, member=member, year=LAST_YEAR, result="excellent")
    html = render_to_string(
        "members/appraisals/_member_results.html", {"appraisals": member_appraisals(member)}
    )
    assert str(LAST_YEAR) in html
    assert "优秀" in html
    assert "甲一村支部" in html


def test_the_dashboard_card_counts_by_township(client, leo, results):
    client.force_login(leo)
    text = client.get(reverse("reports:dashboard"), {"org": "C"}).content.decode()
    assert f"民主评议党员（{LAST_YEAR} 年度）" in text
    assert f"/members/appraisals/?org=C&amp;year={LAST_YEAR}" in text
