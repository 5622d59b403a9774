"""Who signs in with a second factor: superusers, full-view holders and county staff."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.second_factor.selectors import requires_second_factor
from accounts.services import grant, set_full_personal_data


def test_privileged_users_need_a_second_factor(alice, bob, sam, leo, root):
    assert requires_second_factor(alice)  # staff on the root: county staff
    assert requires_second_factor(root)
    assert not requires_second_factor(bob)  # township staff
    assert not requires_second_factor(sam)
    assert not requires_second_factor(leo)  # a county leader reads, holds no staff role
    assert not requires_second_factor(AnonymousUser())


def test_the_full_view_permission_alone_is_enough(bob, django_user_model):
    set_full_personal_data(bob, True)
    holder = django_user_model.objects.get(pk=bob.pk)  # fresh permission cache
    assert requires_second_factor(holder)


def test_a_township_role_added_to_county_staff_changes_nothing(alice):
    grant(username="alice", org_code="A1", role="secretary")
    assert requires_second_factor(alice)


def test_an_inactive_account_needs_nothing(alice):
    alice.is_active = False
    assert not requires_second_factor(alice)
