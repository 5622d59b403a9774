"""The 介绍信 of a transfer out of the county: numbered per issuing county and year, never
given twice, 有效期 within 1–90 days, printed as a PDF in the bulletin's font by staff of the
sending organisation only."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.pdf import cjk_font_installed
from members.models import Transfer
from members.services import transfers as service
from members.services.transfers import (
    capital_number,
    issuing_county,
    letter_context,
    letter_issue,
    transfer_request,
)
from tests.factories import make_member, make_org

TODAY = timezone.localdate()
DESTINATION = "中共杭州市西湖区翠苑街道工作委员会"
needs_pdf = pytest.mark.skipif(
    not (cjk_font_installed() and shutil.which("pdftotext")),
    reason="the CJK font and pdftotext are needed to read the PDF",
)


def outbound(user, member, on=TODAY):
    return transfer_request(
        user=user, member=member, destination=DESTINATION, reason="外出务工", on=on
    )


def issue(user, transfer, on=TODAY, valid_days=30):
    return letter_issue(user=user, transfer=transfer, on=on, valid_days=valid_days)


@pytest.fixture
def member(tree):
    return make_member(tree["A1"], name="吴转出")


@pytest.fixture
def transfer(bob, member):
    return outbound(bob, member)


def test_numbers_count_up_per_county_and_year(bob, charlie, tree):
    first = issue(bob, outbound(bob, make_member(tree["A1"], name="甲一")))
    second = issue(charlie, outbound(charlie, make_member(tree["B1"], name="乙一")))
    assert (first.letter_county, first.letter_year, first.letter_number) == (
        tree["C"],
        TODAY.year,
        1,
    )
    assert (second.letter_county, second.letter_number) == (tree["C"], 2)
    assert second.letter_label == f"〔{TODAY.year}〕第2号"
    # Another county has its own numbers.
    other = make_org(code="D", name="邻县县委", kind="committee", level="county", domain="other")
    village = make_org(other, code="D1", name="邻县一村支部")
    from tests.factories import make_user

    dora = make_user("dora", other, "staff")
    assert issue(dora, outbound(dora, make_member(village, name="丁一"))).letter_number == 1


def test_a_new_year_starts_again_at_one_and_a_number_is_never_reused(bob, tree):
    last_year = datetime.date(TODAY.year - 1, 12, 31)
    old = issue(
        bob, outbound(bob, make_member(tree["A1"], name="甲旧"), on=last_year), on=last_year
    )
    assert (old.letter_year, old.letter_number) == (TODAY.year - 1, 1)
    new = issue(bob, outbound(bob, make_member(tree["A1"], name="甲新")))
    assert (new.letter_year, new.letter_number) == (TODAY.year, 1)
    # A letter once issued keeps its number: issuing again is refused, not renumbered.
    with pytest.raises(ValidationError, match="已开具"):
        issue(bob, new)
    new.refresh_from_db()
    assert new.letter_number == 1


def test_the_database_refuses_the_same_number_twice(bob, tree):
    first = issue(bob, outbound(bob, make_member(tree["A1"], name="甲一")))
    second = outbound(bob, make_member(tree["A1"], name="甲二"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.filter(pk=second.pk).update(
            letter_county=first.letter_county,
            letter_year=first.letter_year,
            letter_number=first.letter_number,
            letter_issued_on=TODAY,
            letter_valid_days=30,
        )


def test_two_letters_at_once_do_not_share_a_number(bob, tree):
    """The second letter read the same "next number" as the first (both before either
    saved): the constraint refuses it and it takes the next free one."""
    first = issue(bob, outbound(bob, make_member(tree["A1"], name="甲一")))
    racing = outbound(bob, make_member(tree["A1"], name="甲二"))
    real = service._next_letter_number
    answers = iter([first.letter_number])

    def stale_then_real(county, year):
        return next(answers, None) or real(county, year)

    with mock.patch.object(service, "_next_letter_number", side_effect=stale_then_real):
        racing = issue(bob, racing)
    assert racing.letter_number == 2
    assert Transfer.objects.filter(letter_number__isnull=False).count() == 2


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (90, True), (91, False)])
def test_the_validity_is_one_to_ninety_days(bob, transfer, days, ok):
    if ok:
        issued = issue(bob, transfer, valid_days=days)
        assert issued.letter_valid_until == TODAY + datetime.timedelta(days=days)
        return
    with pytest.raises(ValidationError) as exc:
        issue(bob, transfer, valid_days=days)
    assert exc.value.message_dict == {"valid_days": ["有效期应为 1–90 天（最长不超过 3 个月）。"]}


def test_the_issue_day_lies_between_the_transfer_and_today(bob, member):
    transfer = outbound(bob, member, on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        issue(bob, transfer, on=TODAY - datetime.timedelta(days=2))
    assert "不能早于申请日期" in exc.value.message_dict["on"][0]
    with pytest.raises(ValidationError) as exc:
        issue(bob, transfer, on=TODAY + datetime.timedelta(days=1))
    assert exc.value.message_dict == {"on": ["不能晚于今天。"]}
    assert issue(bob, transfer, on=TODAY - datetime.timedelta(days=1)).letter_number == 1


def test_only_the_sending_staff_issue_and_only_for_a_transfer_out(alice, charlie, sam, bob, tree):
    transfer = outbound(bob, make_member(tree["A1"], name="甲一"))
    for user in (charlie, sam):
        with pytest.raises(PermissionDenied):
            issue(user, transfer)
    internal = transfer_request(
        user=bob,
        member=make_member(tree["A1"], name="甲二"),
        to_organization=tree["B1"],
        reason="工作调动",
        on=TODAY,
    )
    with pytest.raises(PermissionDenied):
        issue(bob, internal)
    assert issue(alice, transfer).letter_number == 1  # county staff cover township A


def test_the_issuing_county_is_the_nearest_county_level_ancestor(tree):
    assert issuing_county(tree["A1"]) == tree["C"]
    assert issuing_county(tree["C"]) == tree["C"]
    city = make_org(code="S", name="某市委", kind="committee", level="city", domain="other")
    county = make_org(city, code="S1", name="某县委", kind="committee", level="county")
    village = make_org(make_org(county, code="S11", level="township"), code="S111")
    assert issuing_county(village) == county
    lone = make_org(code="Z", name="无县级", kind="committee", level="township")
    assert issuing_county(make_org(lone, code="Z1")) == lone  # no county above: the root


def test_capital_figures_of_the_letter():
    assert [capital_number(n) for n in (1, 10, 12, 30, 90, 105)] == [
        "壹",
        "壹拾",
        "壹拾贰",
        "叁拾",
        "玖拾",
        "壹佰零伍",
    ]


def test_the_letter_masks_personal_data_without_the_permission(bob, transfer, member):
    issued = issue(bob, transfer)
    masked = letter_context(issued, full_personal_data=False)
    assert (masked["id_number"], masked["phone"]) == (member.masked_id_number, member.masked_phone)
    full = letter_context(issued, full_personal_data=True)
    assert (full["id_number"], full["phone"]) == (member.id_number, member.phone)
    assert full["valid_days_capital"] == "叁拾"


def pdf_text(content: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode()


@needs_pdf
def test_staff_issue_and_download_the_letter_on_the_transfer_page(client, bob, transfer, member):
    client.force_login(bob)
    page = reverse("members:transfer_detail", args=[transfer.pk])
    assert "开具介绍信" in client.get(page).content.decode()
    response = client.post(
        reverse("members:transfer_letter_issue", args=[transfer.pk]),
        {"on": TODAY.isoformat(), "valid_days": "30"},
    )
    assert response.status_code == 302
    download = reverse("members:transfer_letter_pdf", args=[transfer.pk])
    assert download in client.get(page).content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "吴转出",
        f"〔{TODAY.year}〕第1号",
        "有效期叁拾天",
        "中国共产党党员组织关系介绍信",
        "回执联",
        DESTINATION,
        "甲一村支部",
        member.masked_id_number,
    ):
        assert expected in text, expected
    assert member.id_number not in text


@needs_pdf
def test_with_the_permission_the_letter_prints_the_full_number(client, bob, transfer, member):
    issue(bob, transfer)
    bob.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
    client.force_login(bob)
    response = client.get(reverse("members:transfer_letter_pdf", args=[transfer.pk]))
    assert member.id_number in pdf_text(response.content)


def test_the_letter_pages_are_for_the_sending_staff_only(client, bob, charlie, sam, transfer):
    issue_url = reverse("members:transfer_letter_issue", args=[transfer.pk])
    download = reverse("members:transfer_letter_pdf", args=[transfer.pk])
    data = {"on": TODAY.isoformat(), "valid_days": "30"}
    client.force_login(charlie)
    assert client.get(reverse("members:transfer_detail", args=[transfer.pk])).status_code == 404
    assert client.post(issue_url, data).status_code == 404
    assert client.get(download).status_code == 404
    client.force_login(sam)
    detail = client.get(reverse("members:transfer_detail", args=[transfer.pk])).content.decode()
    assert issue_url not in detail  # a secretary reads, never issues
    assert client.post(issue_url, data).status_code == 403
    assert client.get(download).status_code == 403
    transfer.refresh_from_db()
    assert transfer.letter_number is None


def test_bad_input_on_the_letter_form_names_the_field(client, bob, transfer):
    client.force_login(bob)
    response = client.post(
        reverse("members:transfer_letter_issue", args=[transfer.pk]),
        {"on": TODAY.isoformat(), "valid_days": "120"},
    )
    assert response.status_code == 200
    assert "有效期（天）" in response.content.decode()
    assert "90" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.letter_number is None


def test_a_letter_before_its_number_cannot_be_downloaded(client, bob, transfer):
    client.force_login(bob)
    response = client.get(reverse("members:transfer_letter_pdf", args=[transfer.pk]))
    assert response.status_code == 302


def test_the_receipt_of_a_printed_letter_is_recorded_not_before_its_issue(bob, charlie, transfer):
    from members.services.transfers import transfer_record_receipt

    with pytest.raises(ValidationError, match="只有本系统开具介绍信的转出才登记回执"):
        transfer_record_receipt(user=bob, transfer=transfer, on=TODAY)
    issue(bob, transfer)
    with pytest.raises(PermissionDenied):
        transfer_record_receipt(user=charlie, transfer=transfer, on=TODAY)
    with pytest.raises(ValidationError) as exc:
        transfer_record_receipt(user=bob, transfer=transfer, on=TODAY - datetime.timedelta(days=1))
    assert "不能早于介绍信开具日期" in exc.value.message_dict["on"][0]
    assert transfer_record_receipt(user=bob, transfer=transfer, on=TODAY).receipt_on == TODAY
