"""Attacks on personal data by an ordinary staff user, as a security review performed them.

Each test runs the attack and asserts what the attacker must not get: a confirmed full ID
number, a second record of the same person, where another township's member is, or a
record saved twice.
"""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.importing import run_import
from core.tables import read_table
from funding.models import FundLine
from members.dues.rates import figures_for
from members.identity import InvalidIdNumber, check_character, validate_id_number
from members.models import DevelopmentCase, Member
from members.models.member import ALREADY_A_MEMBER as _ALREADY
from members.resources.dues import DuesResource
from members.resources.roster import MemberResource
from members.services.roster import member_create
from tests.factories import make_member
from tests.helpers import MEMBER_HEADERS, id_number, member_row, xlsx_bytes
from tests.members.test_pipeline_pages import person
from tests.members.test_roster_forms import form_data

ALREADY_A_MEMBER = str(_ALREADY)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def candidates(masked: str, birth: datetime.date) -> list[str]:
    """Every number a mask and a birth date leave open, cut down by the check digit."""
    prefix, tail = masked[:4], masked[-4:]
    found = []
    for region in range(100):
        first17 = f"{prefix}{region:02d}{birth:%Y%m%d}{tail[:3]}"
        if check_character(first17) == tail[3]:
            found.append(first17 + tail[3])
    return found


def linked_pks(html: str, pattern: str) -> frozenset[str]:
    return frozenset(re.findall(pattern, html))


SEARCHES = {
    "roster": (lambda: reverse("members:list"), r'href="/members/(\d+)/"'),
    "member admin": (
        lambda: reverse("admin:members_member_changelist"),
        r"/admin/members/member/(\d+)/change/",
    ),
    "dues admin": (
        lambda: reverse("admin:members_duesrecord_changelist"),
        r"/admin/members/duesrecord/(\d+)/change/",
    ),
}


def guesses_all_answered_alike(client, url: str, pattern: str, number: str, masked: str, birth):
    guesses = candidates(masked, birth)
    assert number in guesses
    assert len(guesses) > 3  # the attack's premise: a handful of candidates
    answers = {
        guess: linked_pks(client.get(url, {"q": guess}).content.decode(), pattern)
        for guess in guesses
    }
    # The person is still found from a typed number, and every candidate finds the same:
    # nothing tells the attacker which candidate is right.
    assert answers[number]
    assert len(set(answers.values())) == 1


@pytest.mark.parametrize("page", SEARCHES)
def test_search_never_confirms_a_number_the_mask_hides(client, bob, tree, page):
    from members.models import DuesRecord

    member = make_member(tree["A1"], seq=37, birth="1979-03-08", job="worker")
    month = datetime.date(2026, 1, 1)
    figures = figures_for(
        member=member,
        month=month,
        base=Decimal("4000"),
        amount_paid=Decimal("20"),
        paid_on=datetime.date(2026, 1, 5),
    )
    DuesRecord.objects.create(member=member, month=month, **figures.as_dict())
    client.force_login(bob)
    detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert member.masked_id_number in detail
    assert "1979" in detail  # the birth date the attack starts from
    url, pattern = SEARCHES[page]
    guesses_all_answered_alike(
        client, url(), pattern, member.id_number, member.masked_id_number, member.birth_date
    )


def test_the_case_admin_search_confirms_nothing(client, bob, tree):
    number = id_number("1990-02-03", seq=38)
    case = DevelopmentCase.objects.create(
        organization=tree["A1"],
        name="赵申请",
        id_number=number,
        gender="M",
        ethnicity="01",
        education="bachelor",
        job="farmer",
        applied_on=datetime.date(2025, 1, 1),
    )
    client.force_login(bob)
    guesses_all_answered_alike(
        client,
        reverse("admin:members_developmentcase_changelist"),
        r"/admin/members/developmentcase/(\d+)/change/",
        number,
        case.masked_id_number,
        datetime.date(1990, 2, 3),
    )


def test_the_roster_export_confirms_nothing_either(client, bob, tree):
    member = make_member(tree["A1"], seq=41)
    client.force_login(bob)
    sizes = set()
    for guess in candidates(member.masked_id_number, member.birth_date):
        response = client.get(reverse("members:export"), {"q": guess, "format": "csv"})
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert member.id_number.encode() not in body
        sizes.add(body.count(b"\n"))
    assert len(sizes) == 1


def test_holders_of_the_permission_still_search_exactly(client, alice, tree):
    from django.contrib.auth.models import Permission

    alice.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
    member = make_member(tree["A1"], seq=43)
    client.force_login(alice)
    right = client.get(reverse("members:list"), {"q": member.id_number}).content.decode()
    assert f'href="/members/{member.pk}/"' in right
    wrong = next(
        g for g in candidates(member.masked_id_number, member.birth_date) if g != member.id_number
    )
    page = client.get(reverse("members:list"), {"q": wrong}).content.decode()
    assert f'href="/members/{member.pk}/"' not in page


# --- one person, one record ----------------------------------------------------------------


def test_full_width_digits_do_not_make_a_second_member_in_the_form(client, bob, tree):
    member = make_member(tree["A1"], seq=51, birth="1985-10-01")
    client.force_login(bob)
    typed = member.id_number.translate(FULL_WIDTH)
    response = client.post(
        reverse("members:create"),
        form_data(tree["A1"], id_number=typed, name=member.name, birth_date="1985-10-01"),
    )
    assert response.status_code == 200
    assert ALREADY_A_MEMBER in response.content.decode()
    assert Member.objects.count() == 1


def test_a_new_member_typed_in_full_width_is_stored_in_ascii(client, bob, tree):
    client.force_login(bob)
    number = id_number("1985-10-01", seq=77)
    data = form_data(
        tree["A1"],
        id_number=f" {number.translate(FULL_WIDTH)}\u200b",
        phone="１３８ ００００ １２３４",
    )
    response = client.post(reverse("members:create"), data)
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.id_number == number
    assert member.phone == "13800001234"
    assert Member.objects.filter(id_number=number.translate(FULL_WIDTH)).get() == member


def test_full_width_digits_in_an_import_update_the_same_member(tree, bob):
    member = make_member(tree["A1"], seq=1)
    row = member_row("Ａ１", seq=1, 学历="研究生", 联系电话="１３９１２３４５６７８")
    row["公民身份号码"] = member.id_number.translate(FULL_WIDTH)
    dataset = read_table(xlsx_bytes([row], MEMBER_HEADERS), "m.xlsx")
    report = run_import(MemberResource(user=bob, source="m.xlsx"), dataset)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.new, report.updated) == (0, 1)
    assert Member.objects.count() == 1
    member.refresh_from_db()
    assert member.education == "postgraduate"


@pytest.mark.parametrize(
    "digits",
    [
        "٠١٢٣٤٥٦٧٨٩",  # Arabic-Indic
        "०१२३४५६७८९",  # Devanagari
    ],
)
def test_digits_of_other_scripts_are_refused(digits):
    number = id_number(seq=3)
    foreign = number[:17].translate(str.maketrans("0123456789", digits)) + number[17]
    with pytest.raises(InvalidIdNumber):
        validate_id_number(foreign)


# --- where a member of another township is ------------------------------------------------


def test_every_path_answers_an_outsiders_number_the_same_way(client, bob, tree):
    outsider = make_member(tree["B1"], seq=61, birth="1985-10-01")
    client.force_login(bob)
    answers = []

    response = client.post(
        reverse("members:create"),
        form_data(tree["A1"], id_number=outsider.id_number, birth_date="1985-10-01"),
    )
    answers.append(response.content.decode())
    response = client.post(
        reverse("admin:members_member_add"),
        {
            **form_data(tree["A1"], id_number=outsider.id_number, birth_date="1985-10-01"),
            "is_mobile": "",
            "is_in_hardship": "",
        },
    )
    answers.append(response.content.decode())
    response = client.post(
        reverse("members:case_create"),
        person(organization=tree["A1"].pk, id_number=outsider.id_number),
    )
    answers.append(response.content.decode())
    dataset = read_table(
        xlsx_bytes([member_row("A1", seq=61, birth="1985-10-01")], MEMBER_HEADERS), "m.xlsx"
    )
    report = run_import(MemberResource(user=bob, source="m.xlsx"), dataset)
    answers.append(report.errors[0].message)

    for answer in answers:
        text = re.sub(r"<[^>]+>", "", answer)
        assert ALREADY_A_MEMBER in text
        assert "乙一村" not in text
        assert "B1" not in text
    assert Member.objects.count() == 1


def test_the_dues_import_answers_an_outsider_like_nobody(tree, bob):
    outsider = make_member(tree["B1"], seq=62)
    nobody = id_number(seq=63)
    headers = ["公民身份号码", "姓名", "月份", "缴费基数（元）", "实缴金额（元）", "缴纳日期"]

    def message(number: str) -> str:
        row = {
            "公民身份号码": number,
            "姓名": "王建国",
            "月份": "2026-01",
            "缴费基数（元）": "4000",
            "实缴金额（元）": "40",
            "缴纳日期": "2026-01-05",
        }
        dataset = read_table(xlsx_bytes([row], headers), "d.xlsx")
        return run_import(DuesResource(user=bob), dataset, dry_run=True).errors[0].message

    assert message(outsider.id_number) == message(nobody)


# --- a form posted twice ----------------------------------------------------------------


def test_the_member_form_posted_twice_saves_once(client, bob, tree):
    client.force_login(bob)
    data = {**form_data(tree["A1"]), "submission": str(uuid.uuid4())}
    first = client.post(reverse("members:create"), data)
    second = client.post(reverse("members:create"), data, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "已经提交过" in second.content.decode()
    assert Member.objects.count() == 1


def test_a_lost_race_on_the_same_number_is_a_message_not_a_500(bob, tree, monkeypatch):
    existing = make_member(tree["A1"], seq=71)
    twin = Member(**{f.attname: getattr(existing, f.attname) for f in Member._meta.concrete_fields})
    twin.pk = None
    # As if the other save committed between this one's checks and its insert.
    monkeypatch.setattr(Member, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as refused:
        member_create(user=bob, member=twin)
    assert refused.value.message_dict["id_number"] == [ALREADY_A_MEMBER]


def test_the_case_form_posted_twice_saves_once(client, bob, tree):
    client.force_login(bob)
    data = {**person(organization=tree["A1"].pk), "submission": str(uuid.uuid4())}
    assert client.post(reverse("members:case_create"), data).status_code == 302
    again = client.post(reverse("members:case_create"), data, follow=True)
    assert again.status_code == 200
    assert "已经提交过" in again.content.decode()
    assert DevelopmentCase.objects.count() == 1


def test_the_same_instalment_posted_twice_is_recorded_once(client, bob, tree):
    line = FundLine.objects.create(
        code="F-A1",
        year=2025,
        organization=tree["A1"],
        category="work",
        source="fiscal",
        budget=Decimal("80000"),
    )
    client.force_login(bob)
    page = client.get(reverse("funding:line", args=[line.code])).content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    data = {"amount": "20000", "paid_on": "2025-04-01", "note": "", "submission": token}
    client.post(reverse("funding:line", args=[line.code]), data)
    again = client.post(reverse("funding:line", args=[line.code]), data, follow=True)
    assert "已经提交过" in again.content.decode()
    line.refresh_from_db()
    assert line.disbursements.count() == 1
    assert line.disbursed == Decimal("20000")
