"""Guards found in the security review: no unmasking through side doors."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from members.models import Member, Stage
from members.services.pipeline import case_advance
from tests.factories import make_member
from tests.members.test_pipeline import admit, ago, candidate, train


@pytest.mark.parametrize("lookup", ["phone__startswith", "id_number__startswith", "phone"])
def test_the_member_admin_refuses_filters_on_masked_fields(client, bob, tree, lookup):
    make_member(tree["A1"], seq=5, phone="13987654321")
    client.force_login(bob)
    response = client.get(reverse("admin:members_member_changelist"), {lookup: "139"})
    assert response.status_code == 400


def test_holders_of_the_permission_may_filter_on_them(client, tree, alice):
    from django.contrib.auth.models import Permission

    alice.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))
    make_member(tree["A1"], seq=5, phone="13987654321")
    client.force_login(alice)
    changelist = reverse("admin:members_member_changelist")
    response = client.get(changelist, {"phone": "13987654321"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    # Stored encrypted: a part of a phone cannot be asked of the database, by anyone.
    assert client.get(changelist, {"phone__startswith": "1398"})["Location"].endswith("?e=1")


def test_the_case_admin_refuses_filters_on_masked_fields(client, bob):
    client.force_login(bob)
    response = client.get(
        reverse("admin:members_developmentcase_changelist"), {"phone__startswith": "1"}
    )
    assert response.status_code == 400


def test_the_export_log_never_shows_a_searched_id_number(client, bob, alice, tree):
    member = make_member(tree["A1"], seq=7)
    client.force_login(bob)
    client.get(reverse("members:export"), {"q": member.id_number, "format": "csv"})
    client.force_login(alice)
    page = client.get(reverse("members:export_log")).content.decode()
    assert member.id_number not in page
    assert member.masked_id_number in page


def test_staff_cannot_delete_a_member_record(client, bob, tree):
    member = make_member(tree["A1"], seq=8)
    client.force_login(bob)
    url = reverse("admin:members_member_delete", args=[member.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Member.objects.filter(pk=member.pk).exists()


def test_confirmation_is_refused_once_the_member_moved_out_of_scope(bob, tree):
    case = candidate(bob, tree["A1"])
    train(case, bob)
    case = admit(case, bob, on=ago(14))
    Member.objects.filter(pk=case.member.pk).update(organization=tree["B1"])
    case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        case_advance(case=case, user=bob, to_stage=Stage.FULL, on=ago(1))
    case.member.refresh_from_db()
    assert case.member.category == "probationary"
