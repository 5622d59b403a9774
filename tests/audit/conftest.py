"""Fixtures of the audit tests (the county, its users and make_member: tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.factories import make_member


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", password="pw-for-tests-root")


@pytest.fixture
def member_a1(tree):
    return make_member(tree["A1"], seq=41, name="张一")
