"""A small county: county → township A (villages A1, A2) and township B (village B1).

Alice is county staff, Bob is staff of township A only, Charlie is staff of township B
(the outsider of A), Sam is the secretary of village A1, Leo a county leader.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache

from tests.factories import make_org, make_user

# The browser fixtures (browser, page, login, artifacts_dir), once for every folder.
pytest_plugins = ["tests.browser"]

_clock: time_machine.travel | None = None
# The real time at which the suite started, and the time its clock was set to.
real_start: datetime.datetime | None = None
pinned_start: datetime.datetime | None = None


def suite_start(now: datetime.datetime, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """Midday of today's date where the portal runs.

    Modules take "today" when they are collected and the code under test takes it when it
    runs; a suite that ran across midnight would see two dates. From midday the clock,
    still ticking, has twelve hours before the date changes."""
    return datetime.datetime.combine(now.astimezone(tz).date(), datetime.time(12), tzinfo=tz)


def pytest_configure(config: pytest.Config) -> None:
    global _clock, real_start, pinned_start
    from django.conf import settings

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    real_start = datetime.datetime.now(tz)
    pinned_start = suite_start(real_start, tz)
    _clock = time_machine.travel(pinned_start, tick=True)
    _clock.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _clock is not None:
        _clock.stop()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures and totals belong to the test that computed them: with Redis the
    cache would outlive each test's rolled-back database."""
    cache.clear()


@pytest.fixture
def quiet_request_log():
    """Refusals log a warning each; hundreds of them would bury a real failure."""
    logger = logging.getLogger("django.request")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(previous)


@pytest.fixture
def county(db):
    return make_org(code="C", name="测试县委", kind="committee", level="county", domain="other")


@pytest.fixture
def town_a(county):
    return make_org(county, code="A", name="甲镇党委", kind="committee", level="township")


@pytest.fixture
def town_b(county):
    return make_org(county, code="B", name="乙镇党委", kind="committee", level="township")


@pytest.fixture
def village_a1(town_a):
    return make_org(town_a, code="A1", name="甲一村支部")


@pytest.fixture
def village_a2(town_a):
    return make_org(town_a, code="A2", name="甲二村支部")


@pytest.fixture
def village_b1(town_b):
    return make_org(town_b, code="B1", name="乙一村支部")


@pytest.fixture
def tree(county, town_a, town_b, village_a1, village_a2, village_b1):
    return {o.code: o for o in (county, town_a, town_b, village_a1, village_a2, village_b1)}


@pytest.fixture
def alice(tree):
    return make_user("alice", tree["C"], "staff")


@pytest.fixture
def bob(tree):
    return make_user("bob", tree["A"], "staff")


@pytest.fixture
def charlie(tree):
    return make_user("charlie", tree["B"], "staff")


@pytest.fixture
def sam(tree):
    return make_user("sam", tree["A1"], "secretary")


@pytest.fixture
def leo(tree):
    return make_user("leo", tree["C"], "leader")
