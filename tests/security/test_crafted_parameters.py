"""Crafted values in every URL parameter read as a period, quarter, month, year or date
(year 1, 9999, 10000, negative, huge, full-width digits, Q5, 2026-13 …): the answer is a
refusal (400/404), a redirect or the page with a message, never a 500.

The walk's machinery (tests/security/walk.py) gives the URL patterns, from the resolver,
and finds the date-like GET parameters in the links and filter forms of every page, the
admin's included, so that a new parameter is crafted without being listed here.
"""

from __future__ import annotations

import pytest
from django.test import Client

from orgs.models import Organization
from tests.factories import make_user
from tests.security import walk
from tests.security.world import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_request_log")]


@pytest.fixture(scope="module")
def county_staff(world, django_db_blocker):
    """County staff: sees every page of both townships (rolled back with the world)."""
    with django_db_blocker.unblock():
        return make_user("alice", Organization.objects.get(code="C"), "staff")


@pytest.fixture
def staff_client(county_staff, db_access) -> Client:
    client = Client()
    client.force_login(county_staff)
    return client


def filled(patterns: list[walk.Pattern], world: World) -> list[tuple[walk.Pattern, dict]]:
    """Every pattern with its parameters from township A (one the walk's table cannot
    fill fails test_url_walk.py's own test, not these)."""
    result = []
    for pattern in patterns:
        try:
            result.append((pattern, walk.params_for(pattern, world.a, world)))
        except walk.Unfillable:
            continue
    return result


def crashes(client: Client, probe: walk.Probe, url: str) -> str | None:
    """Why `url` is a server error (None if it is not); each request is rolled back."""
    try:
        response, _written = probe.run(lambda: client.get(url))
    except Exception as exc:  # noqa: BLE001 - the crash is the finding
        return f"{url}: {type(exc).__name__}: {exc}"
    return f"{url}: status {response.status_code}" if response.status_code >= 500 else None


def test_crafted_path_segments(staff_client, world):
    client = staff_client
    probe = walk.Probe()
    tried, findings = set(), []
    for pattern, values in filled(walk.all_patterns(), world):
        tried |= {f"{pattern.name}:{name}" for name in walk.date_path_params(pattern)}
        for url in walk.crafted_paths(pattern, values):
            if problem := crashes(client, probe, url):
                findings.append(problem)
    assert {
        "members:dues_sheet:year",
        "members:dues_sheet:month",
        "assessments:review_detail:year",
        "assessments:standards_sheet:year",
    } <= tried
    assert findings == [], "\n".join(findings)


def test_crafted_query_parameters(staff_client, world):
    client = staff_client
    probe = walk.Probe()
    targets: dict[tuple[str, str], walk.DateQuery] = {}
    for pattern, values in filled(walk.all_patterns(), world):
        page = walk.build_url(pattern, values)
        response, _written = probe.run(lambda page=page: client.get(page))
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for query in walk.date_queries(response.content.decode(), page):
                targets.setdefault((query.path, query.name), query)
    # The parameters of the finding are found by the discovery (it is not a hand list).
    assert {("/", "period"), ("/figures/export/", "period"), ("/members/dues/", "month")} <= set(
        targets
    )
    findings = []
    for query in targets.values():
        for value in walk.CRAFTED:
            if problem := crashes(client, probe, query.url(value)):
                findings.append(problem)
    assert findings == [], "\n".join(findings)
