"""Fixtures of the second-factor tests (the county and its users: tests/conftest.py)."""

from __future__ import annotations

import pytest

from accounts.services import set_full_personal_data


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED = True


@pytest.fixture
def root(django_user_model, tree):
    return django_user_model.objects.create_superuser("root", password="pw-for-tests-1")


@pytest.fixture
def full_view_bob(bob):
    """Township staff holding the full-view permission."""
    set_full_personal_data(bob, True)
    return bob
