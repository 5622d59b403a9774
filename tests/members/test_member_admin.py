"""The member admin: scope, masking on forms, history and exports, and the export log."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from members.identity import mask_id_number, mask_phone
from members.models import Member
from members.resources.roster import MemberResource
from members.services.roster import member_update
from portal.models import ExportChannel, ExportLog
from tests.factories import make_member

CHANGELIST = reverse("admin:members_member_changelist")
ADD = reverse("admin:members_member_add")
EXPORT = reverse("admin:members_member_export")
LOG_CHANGELIST = reverse("admin:portal_exportlog_changelist")


def grant_full_view(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))


def change_url(member: Member) -> str:
    return reverse("admin:members_member_change", args=[member.pk])


@pytest.fixture
def in_a1(tree):
    return make_member(tree["A1"], seq=41, name="张一")


@pytest.fixture
def in_b1(tree):
    return make_member(tree["B1"], seq=42, name="钱五")


def test_the_changelist_lists_the_subtree_with_masked_numbers(client, bob, in_a1, in_b1):
    client.force_login(bob)
    content = client.get(CHANGELIST).content.decode()
    assert "张一" in content
    assert "钱五" not in content
    assert in_a1.id_number not in content
    assert mask_id_number(in_a1.id_number) in content


def test_the_changelist_shows_full_numbers_with_the_permission(client, bob, in_a1):
    grant_full_view(bob)
    client.force_login(bob)
    assert in_a1.id_number in client.get(CHANGELIST).content.decode()


def test_partial_id_number_search_finds_nothing_without_the_permission(client, bob, in_a1):
    client.force_login(bob)
    assert "张一" not in client.get(CHANGELIST, {"q": in_a1.id_number[4:14]}).content.decode()
    assert "张一" in client.get(CHANGELIST, {"q": in_a1.id_number}).content.decode()


def test_the_change_form_shows_masked_read_only_personal_data(client, bob, in_a1):
    client.force_login(bob)
    response = client.get(change_url(in_a1))
    assert response.status_code == 200
    content = response.content.decode()
    assert in_a1.id_number not in content
    assert in_a1.phone not in content
    assert mask_id_number(in_a1.id_number) in content
    assert mask_phone(in_a1.phone) in content
    assert 'name="id_number"' not in content


def test_the_add_form_takes_the_id_number(client, bob, tree):
    client.force_login(bob)
    content = client.get(ADD).content.decode()
    assert 'name="id_number"' in content
    assert 'name="phone"' in content
    assert "乙一村支部" not in content  # organisation choices stay inside the subtree
    assert "delete_id_organization" not in content


def test_holders_of_the_permission_edit_the_id_number(client, bob, in_a1):
    grant_full_view(bob)
    client.force_login(bob)
    content = client.get(change_url(in_a1)).content.decode()
    assert f'value="{in_a1.id_number}"' in content


def test_a_member_of_another_subtree_is_not_reachable(client, bob, in_b1):
    client.force_login(bob)
    assert client.get(change_url(in_b1)).status_code in (302, 403, 404)
    url = reverse("admin:members_member_history", args=[in_b1.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_read_only_roles_have_no_member_admin(client, request, in_a1, reader):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(CHANGELIST).status_code in (302, 403)


def test_the_history_view_masks_phone_changes(client, bob, in_a1):
    in_a1.phone = "13700001111"
    member_update(user=bob, member=in_a1, reason="换号")
    client.force_login(bob)
    response = client.get(reverse("admin:members_member_history", args=[in_a1.pk]))
    content = response.content.decode()
    assert "13700001111" not in content
    assert "13912345678" not in content
    assert mask_phone("13700001111") in content


def test_an_old_version_shows_masked_personal_data(client, bob, in_a1):
    version = in_a1.history.get().history_id
    client.force_login(bob)
    url = reverse("admin:members_member_simple_history", args=[in_a1.pk, version])
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert in_a1.id_number not in content
    assert in_a1.phone not in content
    assert mask_id_number(in_a1.id_number) in content


def test_saving_in_the_admin_records_the_user(client, bob, in_a1):
    client.force_login(bob)
    data = {
        "name": "张一改", "gender": "M", "ethnicity": "01",
        "birth_date": in_a1.birth_date.isoformat(), "education": "bachelor", "job": "farmer",
        "organization": in_a1.organization_id, "category": "full",
        "joined_on": "2005-07-01", "confirmed_on": "2006-07-01", "status": "active",
        "status_changed_on": "", "status_note": "", "mobile_destination": "",
        "last_contact_on": "",
    }  # fmt: skip
    response = client.post(change_url(in_a1), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    in_a1.refresh_from_db()
    assert in_a1.name == "张一改"
    assert in_a1.phone == "13912345678"
    assert in_a1.history.latest().history_user == bob


# --- exports -----------------------------------------------------------------------------


def admin_export(client) -> object:
    fields = {f"memberresource_{name}": "on" for name in MemberResource._meta.fields}
    return client.post(EXPORT, {"format": "0", "resource": "0", **fields})


def test_the_admin_export_is_masked_scoped_and_logged(client, bob, in_a1, in_b1):
    client.force_login(bob)
    response = admin_export(client)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    data = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [row["姓名"] for row in data] == ["张一"]
    assert data[0]["公民身份号码"] == mask_id_number(in_a1.id_number)
    log = ExportLog.objects.get()
    assert (log.user, log.rows, log.unmasked) == (bob, 1, False)
    assert (log.channel, log.file_format, log.kind) == (ExportChannel.ADMIN, "xlsx", "members")


def test_an_unmasked_admin_export_is_logged_as_such(client, bob, in_a1):
    grant_full_view(bob)
    client.force_login(bob)
    response = admin_export(client)
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert in_a1.id_number in values
    assert ExportLog.objects.get().unmasked is True


# --- the export log admin ----------------------------------------------------------------


def test_the_export_log_admin_is_read_only_and_scoped(client, bob, charlie, tree):
    ExportLog.objects.create(
        user=charlie, kind="members", organization=tree["B1"], scope_label="乙一村支部",
        rows=1, channel="page", file_format="xlsx",
    )  # fmt: skip
    mine = ExportLog.objects.create(
        user=bob, kind="members", organization=tree["A1"], scope_label="甲一村支部",
        rows=2, channel="page", file_format="xlsx",
    )  # fmt: skip
    client.force_login(bob)
    content = client.get(LOG_CHANGELIST).content.decode()
    assert "甲一村支部" in content
    assert "乙一村支部" not in content
    assert client.get(reverse("admin:portal_exportlog_add")).status_code == 403
    delete = reverse("admin:portal_exportlog_delete", args=[mine.pk])
    client.post(delete, {"post": "yes"})
    assert ExportLog.objects.filter(pk=mine.pk).exists()


def test_the_export_log_admin_is_closed_to_secretaries(client, sam, db):
    client.force_login(sam)
    assert client.get(LOG_CHANGELIST).status_code in (302, 403)
