from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Assignment, User


def test_it_creates_the_user_and_the_assignment_once(tree, capsys):
    call_command("grant", "wang", "A", "staff", "--password", "a-good-passphrase-9")
    call_command("grant", "wang", "A", "staff")
    out = capsys.readouterr().out
    assert "已授权" in out
    assert "授权已存在" in out
    user = User.objects.get(username="wang")
    assert user.check_password("a-good-passphrase-9")
    assert Assignment.objects.filter(user=user).count() == 1


def test_a_second_role_is_added(tree):
    call_command("grant", "wang", "A", "staff")
    call_command("grant", "wang", "B1", "secretary")
    assert Assignment.objects.filter(user__username="wang").count() == 2


def test_a_new_user_without_password_cannot_log_in(tree, capsys):
    call_command("grant", "li", "A", "leader")
    assert not User.objects.get(username="li").has_usable_password()
    assert "尚未设置密码" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["wang", "NOPE", "staff"], "组织代码不存在"),
        (["wang", "A", "staff", "--password", "123"], "密码"),
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(tree, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("grant", *args)
    assert not User.objects.filter(username="wang").exists()


def test_an_unknown_role_is_refused(tree):
    with pytest.raises(CommandError):
        call_command("grant", "wang", "A", "king")


def test_full_personal_data_is_an_explicit_grant(tree, capsys):
    from members.permissions import can_view_full_personal_data

    call_command("grant", "wang", "A", "staff")
    assert not can_view_full_personal_data(User.objects.get(username="wang"))
    call_command("grant", "wang", "A", "staff", "--full-personal-data")
    assert can_view_full_personal_data(User.objects.get(username="wang"))
    assert "已授予查看完整个人信息的权限" in capsys.readouterr().out
    call_command("grant", "wang", "A", "staff", "--no-full-personal-data")
    assert not can_view_full_personal_data(User.objects.get(username="wang"))
