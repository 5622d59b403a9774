"""Fixtures of the account pages (the county and its users: tests/conftest.py).

Alice is county staff, Bob staff of township A, Charlie staff of township B (the outsider
of A), Sam the secretary of village A1, Leo a county leader.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from orgs.models import Organization

FORCED_CHANGE = "accounts.passwords.middleware.PasswordChangeRequiredMiddleware"
AFTER = "accounts.middleware.SecondFactorMiddleware"


def with_forced_change(middleware: list[str]) -> list[str]:
    """settings.MIDDLEWARE with the forced password change where it belongs (after the
    second factor); unchanged once the settings list it."""
    if FORCED_CHANGE in middleware:
        return list(middleware)
    position = middleware.index(AFTER) + 1
    return [*middleware[:position], FORCED_CHANGE, *middleware[position:]]


@pytest.fixture(autouse=True)
def forced_change(settings):
    """Every test here runs with the forced password change in the middleware."""
    settings.MIDDLEWARE = with_forced_change(django_settings.MIDDLEWARE)


@pytest.fixture
def named(tree):
    """书记姓名 of A, A1, A2 and B1 (the county C has none); the phones are encrypted."""
    names = {
        "A": ("甲镇书记", "13800000001"),
        "A1": ("甲一村书记", "13800000011"),
        "A2": ("甲二村书记", "13800000012"),
        "B1": ("乙一村书记", "13800000021"),
    }
    for code, (name, phone) in names.items():
        org = Organization.objects.get(code=code)
        org.secretary_name, org.secretary_phone = name, phone
        org.save()
    return {code: Organization.objects.get(code=code) for code in tree}


@pytest.fixture
def root(django_user_model, tree):
    return django_user_model.objects.create_superuser("root", password="pw-for-tests-1")
