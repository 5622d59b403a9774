"""Staff make the secretary accounts of a township at once and print the slips.

Story: Alice (county staff) opens 开通书记账号, chooses township A and creates the
accounts of every organisation there with a 书记姓名 but no secretary account. She
downloads one PDF for the township, one slip per new secretary, each with a password that
really signs that secretary in. Posting the same form again creates nothing more.
"""

from __future__ import annotations

import re

import pytest

from accounts.manage import services
from accounts.models import Assignment, User
from audit.models import AuditKind

from .helpers import (
    BULK,
    MISSING,
    ONE,
    SLIP,
    TOKEN,
    batch_of,
    events,
    pdf_text,
    slip_keys,
    slips_in,
)


def new_accounts() -> int:
    return User.objects.filter(must_change_password=True).count()


def secretaries_of(code: str) -> list[str]:
    return list(
        Assignment.objects.filter(organization__code=code, role="secretary")
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )


def test_it_lists_the_organisations_with_a_name_but_no_secretary_account(client, alice, sam, named):
    client.force_login(alice)
    page = client.get(MISSING).content.decode()
    # A1 has Sam; the county has no 书记姓名.
    assert "甲镇党委" in page
    assert "甲二村支部" in page
    assert "乙一村支部" in page
    assert "甲一村支部" not in page.split("待开通")[-1]
    assert "测试县委</td>" not in page


def test_it_creates_exactly_the_missing_accounts_of_a_township_with_one_slip_each(
    client, alice, sam, named
):
    client.force_login(alice)
    response = client.post(BULK, {"within": "A", "submission": TOKEN})
    batch = batch_of(response)

    # A and A2 get accounts; A1 keeps Sam only; B1 (township B) is untouched.
    assert secretaries_of("A") == ["a"]
    assert secretaries_of("A2") == ["a2"]
    assert secretaries_of("A1") == ["sam"]
    assert secretaries_of("B1") == []
    new = User.objects.get(username="a2")
    assert new.full_name == "甲二村书记"
    assert new.must_change_password

    [key] = slip_keys(client, batch)  # one PDF: one township
    download = client.post(SLIP, {"key": key, "batch": batch})
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    text = pdf_text(download.content)
    slips = slips_in(text)
    assert set(slips) == {"a", "a2"}
    assert "甲镇党委" in text
    assert "甲二村支部" in text
    assert "http://testserver/accounts/login/" in text
    # The slip's password is the account's: it signs the secretary in.
    for username, password in slips.items():
        assert User.objects.get(username=username).check_password(password)


def test_the_slips_name_the_portal_address_when_it_is_set(client, alice, named, settings):
    settings.PORTAL_URL = "https://dangjian.example.gov.cn"
    client.force_login(alice)
    batch = batch_of(client.post(BULK, {"within": "A", "submission": TOKEN}))
    [key] = slip_keys(client, batch)
    text = pdf_text(client.post(SLIP, {"key": key}).content)
    assert "https://dangjian.example.gov.cn/accounts/login/" in text


def test_the_whole_subtree_makes_one_pdf_per_township(client, alice, named):
    client.force_login(alice)
    batch = batch_of(client.post(BULK, {"within": "", "submission": TOKEN}))
    keys = slip_keys(client, batch)
    assert len(keys) == 2
    found = [slips_in(pdf_text(client.post(SLIP, {"key": key}).content)) for key in keys]
    assert [set(f) for f in found] == [{"a", "a1", "a2"}, {"b1"}]


def test_posting_the_same_form_twice_creates_once(client, alice, named):
    client.force_login(alice)
    first = client.post(BULK, {"within": "A", "submission": TOKEN})
    again = client.post(BULK, {"within": "A", "submission": TOKEN})
    assert again.status_code == 302
    assert again["Location"] == first["Location"]  # the first post's result
    assert new_accounts() == 3
    assert len(events(AuditKind.ACCOUNT_CREATED)) == 3


def test_a_second_bulk_creation_finds_nothing_left(client, alice, named):
    client.force_login(alice)
    batch_of(client.post(BULK, {"within": "A"}))
    response = client.post(BULK, {"within": "A"}, follow=True)
    assert "没有需要开通的书记账号" in response.content.decode()
    assert new_accounts() == 3


def test_a_slip_is_handed_out_once_and_only_to_its_maker(client, alice, bob, named):
    client.force_login(bob)
    batch = batch_of(client.post(BULK, {"within": "A", "submission": TOKEN}))
    [key] = slip_keys(client, batch)

    client.force_login(alice)  # another staff member with the key
    refused = client.post(SLIP, {"key": key}, follow=True)
    assert refused.redirect_chain
    assert "已经下载过" in refused.content.decode()

    client.force_login(bob)
    assert client.post(SLIP, {"key": key})["Content-Type"] == "application/pdf"
    gone = client.post(SLIP, {"key": key, "batch": batch})
    assert gone.status_code == 302
    assert "已下载或已过期" in client.get(gone["Location"]).content.decode()


def test_the_result_page_is_its_makers_only(client, alice, bob, named):
    client.force_login(bob)
    batch = batch_of(client.post(BULK, {"within": "A", "submission": TOKEN}))
    client.force_login(alice)
    assert client.get("/accounts/created/", {"batch": batch}).status_code == 404


def test_a_deactivated_secretary_leaves_the_organisation_missing(client, alice, sam, named):
    sam.is_active = False
    sam.save()
    client.force_login(alice)
    batch_of(client.post(BULK, {"within": "A"}))
    assert secretaries_of("A1") == ["a1", "sam"]


def test_a_taken_user_name_gets_the_next_number(client, alice, named, django_user_model):
    django_user_model.objects.create_user("a2", password="x-pw-for-tests-1")
    django_user_model.objects.create_user("A2-2", password="x-pw-for-tests-1")
    client.force_login(alice)
    batch_of(client.post(BULK, {"within": "A"}))
    assert secretaries_of("A2") == ["a2-3"]


def test_a_large_scope_is_done_in_several_clicks(client, alice, named, monkeypatch):
    monkeypatch.setattr(services, "BULK_LIMIT", 1)
    client.force_login(alice)
    batch = batch_of(client.post(BULK, {"within": "A"}))
    page = client.get("/accounts/created/", {"batch": batch}).content.decode()
    assert "还有 2 个组织待开通书记账号" in page
    assert new_accounts() == 1


def test_township_staff_cannot_create_for_another_township(client, charlie, named):
    client.force_login(charlie)
    assert client.post(BULK, {"within": "A"}).status_code == 404
    assert client.post(ONE, {"organization": "A2"}).status_code == 404
    assert secretaries_of("A2") == []


def test_one_click_creates_one_organisations_secretary(client, bob, named):
    client.force_login(bob)
    batch = batch_of(client.post(ONE, {"organization": "A2", "submission": TOKEN}))
    assert secretaries_of("A2") == ["a2"]
    assert secretaries_of("A") == []
    [key] = slip_keys(client, batch)
    assert set(slips_in(pdf_text(client.post(SLIP, {"key": key}).content))) == {"a2"}
    # Once it has one, a second click (a new form) is refused.
    response = client.post(ONE, {"organization": "A2"}, follow=True)
    assert "已有书记账号" in response.content.decode()
    assert secretaries_of("A2") == ["a2"]


@pytest.mark.parametrize("who", ["sam", "leo"])
def test_secretaries_and_leaders_have_no_creation(client, who, request, named):
    client.force_login(request.getfixturevalue(who))
    assert client.get(MISSING).status_code == 403
    assert client.post(BULK, {"within": ""}).status_code == 403


def test_without_slips_nothing_is_created(client, alice, named, monkeypatch):
    from accounts.manage import handout
    from accounts.manage.slips import SlipsUnavailable

    def no_font(**kwargs):
        raise SlipsUnavailable("服务器缺少中文字体")

    monkeypatch.setattr(handout, "render_slips", no_font)
    client.force_login(alice)
    response = client.post(BULK, {"within": "A", "submission": TOKEN}, follow=True)
    assert "无法生成账号通知单，账号没有开通：服务器缺少中文字体" in response.content.decode()
    assert new_accounts() == 0
    # The form can be sent again once the server is fixed: its token was not used up.
    monkeypatch.undo()
    batch_of(client.post(BULK, {"within": "A", "submission": TOKEN}))
    assert new_accounts() == 3  # A, A1 and A2


def test_when_the_store_fails_the_passwords_are_shown_once(client, alice, named, monkeypatch):
    from accounts.manage import handout

    monkeypatch.setattr(handout, "keep_file", lambda *args: None)
    client.force_login(alice)
    response = client.post(BULK, {"within": "A", "submission": TOKEN})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "只显示这一次" in page
    shown = dict(
        re.findall(r"<code>(a\d?)</code></td><td class=\"nowrap\"><code>([^<]+)</code>", page)
    )
    assert set(shown) == {"a", "a1", "a2"}
    assert User.objects.get(username="a2").check_password(shown["a2"])
