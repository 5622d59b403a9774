"""Staff create and edit members in the portal, with the importer's validation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from members.identity import mask_id_number
from members.models import Member
from members.services.roster import member_create, member_update
from tests.factories import make_member
from tests.helpers import id_number

CREATE_URL = reverse("members:create")


def grant_full_view(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))


def edit_url(member: Member) -> str:
    return reverse("members:edit", args=[member.pk])


def form_data(org, **overrides) -> dict[str, str]:
    data = {
        "name": "周新",
        "id_number": id_number("1985-10-01", seq=77),
        "gender": "M",
        "ethnicity": "01",
        "birth_date": "",
        "education": "bachelor",
        "job": "worker",
        "phone": "13800001234",
        "organization": str(org.pk),
        "category": "full",
        "joined_on": "2010-07-01",
        "confirmed_on": "2011-07-01",
        "status": "active",
        "status_changed_on": "",
        "status_note": "",
        "mobile_destination": "",
        "last_contact_on": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(member: Member, **overrides) -> dict[str, str]:
    data = form_data(
        member.organization,
        name=member.name,
        id_number=member.id_number,
        gender=member.gender,
        phone=member.phone,
        birth_date=member.birth_date.isoformat(),
        joined_on=member.joined_on.isoformat(),
        confirmed_on=member.confirmed_on.isoformat() if member.confirmed_on else "",
        education=member.education,
        job=member.job,
    )
    data.update(overrides)
    return data


# --- create ------------------------------------------------------------------------------


def test_staff_create_a_member_and_the_birth_date_comes_from_the_id(client, bob, tree):
    client.force_login(bob)
    response = client.post(CREATE_URL, form_data(tree["A1"]), follow=True)
    member = Member.objects.get(name="周新")
    assert response.redirect_chain[-1][0] == reverse("members:detail", args=[member.pk])
    assert "已新增党员“周新”" in response.content.decode()
    assert member.birth_date.isoformat() == "1985-10-01"
    assert member.organization == tree["A1"]
    record = member.history.get()
    assert record.history_user == bob
    assert record.history_change_reason == "新增党员"


def test_the_create_form_offers_only_editable_organisations(client, bob, tree):
    client.force_login(bob)
    response = client.get(CREATE_URL, {"org": "A2"})
    choices = response.context["form"].fields["organization"].queryset
    assert {o.code for o in choices} == {"A", "A1", "A2"}
    assert response.context["form"].initial["organization"] == tree["A2"]


def test_creating_in_another_subtree_is_refused(client, bob, tree):
    client.force_login(bob)
    response = client.post(CREATE_URL, form_data(tree["B1"]))
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert not Member.objects.exists()


def test_an_invalid_id_number_is_refused_in_chinese_and_nothing_is_saved(client, bob, tree):
    client.force_login(bob)
    number = id_number("1985-10-01", seq=77)
    wrong_check = number[:17] + ("0" if number[17] != "0" else "1")
    response = client.post(CREATE_URL, form_data(tree["A1"], id_number=wrong_check))
    assert response.status_code == 200
    assert "校验位不正确" in str(response.context["form"].errors["id_number"])
    assert "校验位不正确" in response.content.decode()
    assert not Member.objects.exists()


def test_a_gender_against_the_id_number_is_refused(client, bob, tree):
    client.force_login(bob)
    response = client.post(CREATE_URL, form_data(tree["A1"], gender="F"))
    assert "与身份证号码第 17 位不一致" in str(response.context["form"].errors["gender"])
    assert not Member.objects.exists()


def test_a_birth_date_against_the_id_number_is_refused(client, bob, tree):
    client.force_login(bob)
    response = client.post(CREATE_URL, form_data(tree["A1"], birth_date="1985-10-02"))
    assert "不一致" in str(response.context["form"].errors["birth_date"])
    assert not Member.objects.exists()


def test_a_duplicate_id_number_is_refused(client, bob, tree):
    existing = make_member(tree["A1"], seq=77, birth="1985-10-01", name="旧人")
    client.force_login(bob)
    response = client.post(CREATE_URL, form_data(tree["A2"], id_number=existing.id_number))
    assert response.context["form"].errors["id_number"]
    assert Member.objects.count() == 1


def test_a_full_member_without_confirmation_date_is_refused(client, bob, tree):
    client.force_login(bob)
    response = client.post(CREATE_URL, form_data(tree["A1"], confirmed_on=""))
    assert "正式党员须填写转正日期" in str(response.context["form"].errors["confirmed_on"])
    assert not Member.objects.exists()


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_read_only_roles_cannot_create(client, request, tree, reader):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, form_data(tree["A1"])).status_code == 403
    assert not Member.objects.exists()


# --- edit --------------------------------------------------------------------------------


@pytest.fixture
def member(tree):
    return make_member(tree["A1"], seq=21, name="张一")


def test_the_edit_form_hides_the_id_number_and_phone_without_the_permission(client, bob, member):
    client.force_login(bob)
    response = client.get(edit_url(member))
    assert response.status_code == 200
    content = response.content.decode()
    assert member.id_number not in content
    assert member.phone not in content
    assert mask_id_number(member.id_number) in content
    assert "留空表示不修改" in content
    form = response.context["form"]
    assert "id_number" not in form.fields
    assert form["phone"].value() in ("", None)


def test_leaving_the_phone_empty_keeps_it_and_the_id_number_cannot_change(client, bob, member):
    client.force_login(bob)
    data = edit_data(member, phone="", name="张一新", id_number=id_number(seq=99))
    response = client.post(edit_url(member), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "张一新"
    assert member.phone == "13912345678"
    assert member.id_number == id_number(seq=21)


def test_a_new_phone_replaces_the_stored_one(client, bob, member):
    client.force_login(bob)
    response = client.post(edit_url(member), edit_data(member, phone="13600002222"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "13600002222"


def test_the_edit_records_the_user_and_the_reason(client, bob, member, tree):
    client.force_login(bob)
    data = edit_data(member, organization=str(tree["A2"].pk), change_reason="支部调整")
    response = client.post(edit_url(member), data, follow=True)
    assert "已保存“张一”的修改" in response.content.decode()
    record = member.history.latest()
    assert record.history_user == bob
    assert record.history_change_reason == "支部调整"
    assert record.organization_id == tree["A2"].pk


def test_holders_of_the_permission_see_and_may_correct_the_id_number(client, bob, member):
    grant_full_view(bob)
    client.force_login(bob)
    assert member.id_number in client.get(edit_url(member)).content.decode()
    corrected = id_number(seq=22)
    response = client.post(edit_url(member), edit_data(member, id_number=corrected))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.id_number == corrected


def test_an_invalid_edit_changes_nothing(client, bob, member):
    client.force_login(bob)
    response = client.post(edit_url(member), edit_data(member, name="张1", phone="12345"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "不能有数字" in str(errors["name"])
    assert errors["phone"]
    member.refresh_from_db()
    assert member.name == "张一"
    assert member.history.count() == 1


def test_moving_a_member_out_of_the_subtree_is_refused(client, bob, member, tree):
    client.force_login(bob)
    response = client.post(edit_url(member), edit_data(member, organization=str(tree["B1"].pk)))
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.organization == tree["A1"]


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_read_only_roles_cannot_edit(client, request, member, reader):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(edit_url(member)).status_code == 403
    assert client.post(edit_url(member), edit_data(member, name="篡改")).status_code == 403
    member.refresh_from_db()
    assert member.name == "张一"


def test_an_outsider_gets_404_and_changes_nothing(client, charlie, member):
    client.force_login(charlie)
    assert client.get(edit_url(member)).status_code == 404
    assert client.post(edit_url(member), edit_data(member, name="篡改")).status_code == 404
    member.refresh_from_db()
    assert member.name == "张一"


# --- the services ------------------------------------------------------------------------


def test_the_services_refuse_organisations_outside_the_write_scope(charlie, sam, tree, member):
    member.name = "篡改"
    with pytest.raises(PermissionDenied):
        member_update(user=charlie, member=member)
    with pytest.raises(PermissionDenied):
        member_update(user=sam, member=member)
    stranger = Member(organization=tree["A1"], **{"name": "外人"})
    with pytest.raises(PermissionDenied):
        member_create(user=charlie, member=stranger)
    member.refresh_from_db()
    assert member.name == "张一"
