"""The world the URL walks share (tests/security/world.py): built once per module on the
conftest tree and rolled back at the end, so each module meets the same data."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from tests.factories import make_org
from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The conftest tree and the world on it, built once and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Never build the world in a real database (the module fixture runs outside the
        # per-test database set-up).
        name = str(connection.settings_dict["NAME"])
        assert name.startswith("test_") or "memory" in name, name
        county = make_org(
            code="C", name="测试县委", kind="committee", level="county", domain="other"
        )
        town_a = make_org(county, code="A", name="甲镇党委", kind="committee", level="township")
        town_b = make_org(county, code="B", name="乙镇党委", kind="committee", level="township")
        tree = {
            "C": county,
            "A": town_a,
            "B": town_b,
            "A1": make_org(town_a, code="A1", name="甲一村支部"),
            "A2": make_org(town_a, code="A2", name="甲二村支部"),
            "B1": make_org(town_b, code="B1", name="乙一村支部"),
        }
        built: World = build_world(tree)
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def db_access(world, django_db_blocker):
    with django_db_blocker.unblock():
        yield
