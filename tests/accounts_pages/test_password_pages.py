"""Every user's own password change at Django's conventional address, the forced change
of an initial password, and what the login page says about a forgotten password."""

from __future__ import annotations

from django.test import Client

from accounts.models import User

from .helpers import CHANGE, LOGIN, PASSWORD, sign_in


def test_every_user_changes_their_own_password(client, leo):
    client.force_login(leo)
    page = client.get("/accounts/password_change/").content.decode()
    assert "修改密码" in page
    assert "当前密码" in page
    assert "至少需要 10 个字符" in page
    response = client.post(
        CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": "ling-dao-2026-x",
            "new_password2": "ling-dao-2026-x",
        },
    )
    assert response["Location"].startswith("/accounts/password_change/done/")
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    assert User.objects.get(pk=leo.pk).check_password("ling-dao-2026-x")


def test_a_wrong_current_password_or_a_weak_one_is_refused(client, leo):
    client.force_login(leo)
    wrong = client.post(
        CHANGE,
        {
            "old_password": "nope",
            "new_password1": "x-strong-2026",
            "new_password2": "x-strong-2026",
        },
    )
    assert wrong.status_code == 200
    assert 'role="alert"' in wrong.content.decode()
    weak = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert "密码太短" in weak.content.decode()
    assert User.objects.get(pk=leo.pk).check_password(PASSWORD)


def test_the_change_page_needs_a_sign_in(client, tree):
    assert client.get(CHANGE)["Location"].startswith(LOGIN)


def test_a_user_who_owes_no_change_is_not_held(client, sam):
    client.force_login(sam)
    assert client.get("/orgs/").status_code == 200


def test_a_next_address_elsewhere_is_not_followed(client, sam):
    sam.must_change_password = True
    sam.save()
    client.force_login(sam)
    response = client.post(
        CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": "mi-ma-xin-2026",
            "new_password2": "mi-ma-xin-2026",
            "next": "https://evil.example/",
        },
    )
    page = client.get(response["Location"]).content.decode()
    assert "evil.example" not in page


def test_the_login_page_says_whom_to_ask_and_reveals_nothing(client, sam):
    page = client.get(LOGIN).content.decode()
    assert "忘记密码请联系上级党组织的组织部工作人员重置" in page
    known = sign_in(Client(), "sam", "not-the-password-1")
    unknown = sign_in(Client(), "nobody-here", "not-the-password-1")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    assert "请联系上级党组织的组织部工作人员重置" in known.content.decode()
