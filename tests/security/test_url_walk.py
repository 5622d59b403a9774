"""The scope walk: every URL pattern of the project (from the resolver, admin included),
filled with the objects of township B, requested by the users of township A.

- GET: refused (403/404/405/400), sent to the login page, or answered without any of B's
  text (organisation, member and project names, ID numbers, file contents …).
- POST: the forms B's own users are offered, replayed by A's users: nothing is written.
- Read-only roles never write: Lena, leader of A, replays A's own forms to A's own URLs.

One world is built per module and every request runs in a savepoint that is rolled back,
so each request meets the same data. A URL with a parameter the table in `walk.py` cannot
fill fails the walk: new URLs cannot slip through.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.test import Client

from tests.security import walk

REFUSED = {400, 403, 404, 405}

# The mark makes pytest-django create the test database; the module's world lives in it
# (the `world` and `db_access` fixtures: tests/security/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_request_log")]


def report(name: str, findings: list[str]) -> None:
    """Findings also go to a file when WALK_REPORT_DIR is set (they can be many)."""
    folder = os.environ.get("WALK_REPORT_DIR")
    if folder:
        Path(folder, f"{name}.txt").write_text("\n".join(findings), encoding="utf-8")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(scope="module")
def patterns():
    return walk.all_patterns()


def concrete_urls(patterns, side, world) -> list[tuple[walk.Pattern, str]]:
    """Every pattern filled from `side` (the unfillable ones fail their own test)."""
    urls = []
    for pattern in patterns:
        try:
            urls.append((pattern, walk.build_url(pattern, walk.params_for(pattern, side, world))))
        except walk.Unfillable:
            continue
    return urls


@pytest.fixture(scope="module")
def b_urls(world, patterns, django_db_blocker):
    with django_db_blocker.unblock():
        return concrete_urls(patterns, world.b, world)


@pytest.fixture(scope="module")
def a_urls(world, patterns, django_db_blocker):
    with django_db_blocker.unblock():
        return concrete_urls(patterns, world.a, world)


@pytest.fixture(scope="module")
def b_forms(world, b_urls, django_db_blocker):
    """What Charlie (staff of B) and Sue (secretary of B1) are offered."""
    with django_db_blocker.unblock():
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        return walk.harvest(
            client_for, [world.b.staff, world.b.secretary], [u for _, u in b_urls], world.b
        )


@pytest.fixture(scope="module")
def a_forms(world, a_urls, b_urls, b_forms, django_db_blocker):
    """What Bob (staff of A) and Sam (secretary of A1) are offered, on the pages where B's
    users found forms (the same pages; only the values differ)."""
    a_of_b = {b_url: a_url for (_, a_url), (_, b_url) in zip(a_urls, b_urls, strict=True)}
    pages = [a_of_b[url] for url in b_forms.pages_with_forms if url in a_of_b]
    with django_db_blocker.unblock():
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        return walk.harvest(client_for, [world.a.staff, world.a.secretary], pages, world.a)


def judge_read(response, side) -> str | None:
    """Why a response to a user outside `side` is wrong, or None."""
    status = response.status_code
    if status >= 500:
        return f"status {status}"
    location = unquote(response.get("Location", ""))
    if 300 <= status < 400:
        revealed = [s for s in side.secrets if s in location]
        return f"redirect reveals {revealed}" if revealed else None
    if status in REFUSED:
        found = walk.leaked(response, side)
        return f"{status} reveals {found}" if found else None
    found = walk.leaked(response, side)
    return f"{status} reveals {found}" if found else None


def send(probe, client, method: str, url: str, data=None, user=None):
    """One request in a rolled-back savepoint: (response or exception text, tables written).
    A request that signed the user out (the logout URL) is followed by a new sign-in, so
    that the rest of the walk is not done anonymously."""
    try:
        return probe.run(lambda: getattr(client, method)(url, data or {}))
    except Exception as exc:  # a crash is a finding, not the end of the walk
        return f"{type(exc).__name__}: {exc}", {}
    finally:
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)  # updates last_login: the new reference state
            probe.rebase()


# --- the table covers every URL -----------------------------------------------------------


def test_every_pattern_of_the_project_is_walked(world, patterns, db_access):
    names = {p.name for p in patterns}
    # The walk sees the portal, the included apps and the admin, not a hand-written list.
    assert {"orgs:detail", "members:edit", "funding:site_file", "checklists:review"} <= names
    assert any(p.route.startswith("admin/members/member/") for p in patterns)
    assert len(patterns) > 250
    unfillable = []
    for pattern in patterns:
        for side in (world.a, world.b):
            try:
                walk.params_for(pattern, side, world)
            except walk.Unfillable as exc:
                unfillable.append(str(exc))
    assert unfillable == []


def test_an_unknown_parameter_fails_the_walk(world, patterns, db_access):
    pattern = next(p for p in patterns if p.name == "orgs:life_file")
    stranger = walk.Pattern(
        route=pattern.route.replace("orgs/", "orgs-new/"),
        name="orgs:new_thing",
        segments=pattern.segments,
        params=pattern.params,
    )
    with pytest.raises(walk.Unfillable):
        walk.params_for(stranger, world.b, world)


# --- users of A against B's URLs ----------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "secretary", "leader"])
def test_users_of_a_neither_see_nor_change_anything_of_b(role, world, b_urls, b_forms, db_access):
    user = {"staff": world.a.staff, "secretary": world.a.secretary, "leader": world.leader}[role]
    client = client_for(user)
    probe = walk.Probe()
    findings: list[str] = []
    html_pages = 0
    for pattern, url in b_urls:
        label = f"{pattern.route} {url}"
        requests = [("get", url, None)]
        if url in b_forms.queries:
            requests.append(("get", url, b_forms.queries[url]))
        requests.append(("post", url, b_forms.post_data(url)))
        for method, target, data in requests:
            response, written = send(probe, client, method, target, data, user)
            if isinstance(response, str):
                findings.append(f"{method.upper()} {label}: {response}")
                continue
            if written:
                findings.append(f"{method.upper()} {label}: wrote {written}")
            problem = judge_read(response, world.b)
            if problem:
                findings.append(f"{method.upper()} {label}: {problem}")
            if response.get("Content-Type", "").startswith("text/html"):
                html_pages += 1
                policy = response.get("Content-Security-Policy", "")
                if "script-src 'self'" not in policy or "unsafe-" in policy:
                    findings.append(f"{method.upper()} {label}: CSP {policy!r}")
    assert html_pages > 50  # the walk really rendered pages
    report(f"walk-{role}", findings)
    assert findings == []


# --- read-only roles never write ----------------------------------------------------------


def test_a_leader_writes_nothing_even_with_the_forms_of_their_own_subtree(
    world, a_urls, a_forms, db_access
):
    client = client_for(world.leader)
    probe = walk.Probe()
    findings = []
    for pattern, url in a_urls:
        response, written = send(probe, client, "post", url, a_forms.post_data(url), world.leader)
        if isinstance(response, str) or (response.status_code >= 500):
            findings.append(f"POST {pattern.route} {url}: {response}")
        if pattern.name == "bulletins:request":
            # A leader's one write by design: asking for a bulletin of their own
            # subtree. That it stays inside the subtree is the bob/sam walk's business.
            written = {t: c for t, c in written.items() if "bulletin" not in t}
        if written:
            findings.append(f"POST {pattern.route} {url}: wrote {written}")
    report("walk-leader-own", findings)
    assert findings == []


# --- the replayed forms are real ----------------------------------------------------------

# Pages whose form, submitted unchanged by B's own user, saves (with history) — so the
# refusals above are refusals of valid requests, not of malformed ones.
OWNER_WRITES = [
    "members:edit",
    "members:case_training",
    "funding:line",
    "funding:site_edit",
    "funding:site_upload",
    "orgs:life_edit",
    "assessments:register_edit",
    "assessments:standards_sheet",
    "checklists:fill",
    "admin:members_member_change",
    "admin:orgs_organization_change",
]


def test_the_replayed_forms_save_when_their_owner_sends_them(world, b_urls, b_forms, db_access):
    probe = walk.Probe()
    owners = {"checklists:fill": world.b.secretary, "orgs:life_edit": world.b.secretary}
    silent = []
    for pattern, url in b_urls:
        if pattern.name not in OWNER_WRITES:
            continue
        owner = owners.get(pattern.name, world.b.staff)
        response, written = send(probe, client_for(owner), "post", url, b_forms.post_data(url))
        if not written:
            silent.append(f"{pattern.name} {url}: {getattr(response, 'status_code', response)}")
    report("walk-owner", silent)
    assert silent == []


# --- the detectors work -------------------------------------------------------------------

# B's own staff may see all of this: the walk's judge must flag each one as B's data, in a
# page, a spreadsheet export and a served file alike, and a write by its owner as a write.
OWN_READS = [
    "members:detail",
    "members:export",
    "funding:site",
    "funding:site_file",
    "orgs:life_file",
]


def test_the_walk_recognises_b_data_in_pages_exports_and_files(world, b_urls, db_access):
    client = client_for(world.b.staff)
    probe = walk.Probe()
    judged = {}
    for pattern, url in b_urls:
        if pattern.name in OWN_READS:
            response, _ = send(probe, client, "get", url, None, world.b.staff)
            judged[pattern.name] = judge_read(response, world.b)
    assert set(judged) == set(OWN_READS)
    assert all(problem and "reveals" in problem for problem in judged.values()), judged
    assert world.b.file_marker.decode() in judged["funding:site_file"]
    assert world.b.objects.member.name in judged["members:export"]
