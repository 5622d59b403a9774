"""Creating one account with the form: the organisation, the role, a name and, if
wanted, a user name of one's own; the slip follows."""

from __future__ import annotations

from accounts.models import Assignment, User

from .helpers import CREATE, SLIP, TOKEN, batch_of, pdf_text, slip_keys, slips_in


def test_a_leader_account_with_the_usual_user_name(client, bob, named):
    client.force_login(bob)
    batch = batch_of(
        client.post(
            CREATE,
            {"organization": "A", "role": "leader", "full_name": "甲镇镇长", "submission": TOKEN},
        )
    )
    user = User.objects.get(username="a-ld")
    assert user.full_name == "甲镇镇长"
    assert user.must_change_password
    assert Assignment.objects.filter(user=user, organization__code="A", role="leader").exists()
    [key] = slip_keys(client, batch)
    slips = slips_in(pdf_text(client.post(SLIP, {"key": key}).content))
    assert user.check_password(slips["a-ld"])


def test_a_secretary_account_takes_the_registered_name(client, bob, named):
    client.force_login(bob)
    batch_of(client.post(CREATE, {"organization": "A2", "role": "secretary"}))
    assert User.objects.get(username="a2").full_name == "甲二村书记"


def test_a_typed_user_name_is_lowered_and_must_be_free(client, bob, sam, named):
    client.force_login(bob)
    taken = client.post(CREATE, {"organization": "A2", "role": "leader", "username": "SAM"})
    assert "用户名“sam”已被使用" in taken.content.decode()
    odd = client.post(CREATE, {"organization": "A2", "role": "leader", "username": "王 明"})
    assert "用户名只能由小写字母" in odd.content.decode()
    batch_of(client.post(CREATE, {"organization": "A2", "role": "leader", "username": "Wang.M"}))
    assert User.objects.filter(username="wang.m").exists()


def test_the_form_page(client, bob):
    client.force_login(bob)
    page = client.get(CREATE, {"org": "A1"}).content.decode()
    assert '<option value="A1" selected>' in page
    assert 'name="submission"' in page
    assert "组织部工作人员只能为本组织开通书记、领导账号" in page
