"""No page and no form answers 5xx: the demo county (seed_demo), crawled as each demo user.

From the home page the crawl follows the site's own links (same host, GET; downloads are
fetched, only HTML is read), breadth first, one page per URL pattern of the resolver, so it
stays fast. Every form on a page is submitted to where it points, with its own method:
as the page filled it (values, selected or first options, checked boxes; once per submit
button when it has several, as save / send back / approve) and emptied (every field
blank). Each request runs in a savepoint that is rolled back: every request meets the
same demo data, and a form that deletes or moves something changes nothing for the rest
of the crawl. A 5xx or a crash is reported with the role, the URL, the form's action and
the page it was on.

The pages of one level are chosen from the set of links found on the level before (the
smallest URL of each pattern), never from the order of links on a page, so the crawl is
the same run after run, whatever order the database returns rows in.
"""

from __future__ import annotations

import io
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.db import transaction
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from accounts.models import User
from tests.security import walk

ROLES = ("staff", "town_staff", "secretary", "leader")
# Pages per role at most; the demo county has fewer patterns than this for every role.
MAX_PAGES = 400
# Fewer pages than this means the crawl lost its way (signed out, links not read).
MIN_PAGES = {"staff": 100, "town_staff": 80, "secretary": 25, "leader": 25}
HOST = "testserver"
PROJECT = Path(settings.BASE_DIR).resolve()

pytestmark = pytest.mark.django_db


def seed_options() -> dict[str, Any]:
    """--no-bulletins where seed_demo offers it: the crawl needs no PDF to be built."""
    command = load_command_class(get_commands()["seed_demo"], "seed_demo")
    parser = command.create_parser("manage.py", "seed_demo")
    try:
        parser.parse_args(["--no-bulletins"])
    except CommandError:
        return {}
    return {"no_bulletins": True}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo county, seeded once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, stdout=io.StringIO(), **seed_options())
        yield
        transaction.set_rollback(True)


def pattern_of(path: str) -> str:
    """The URL pattern a path belongs to: its namespaced name (the view's dotted path when
    unnamed); a path that resolves nowhere is its own pattern."""
    try:
        return resolve(path).view_name
    except Resolver404:
        return f"unresolved {path}"


def internal(base: str, href: str) -> str | None:
    """`href` as a path with query on this site, or None (another host, mailto:, …)."""
    parts = urlsplit(urljoin(base, href.strip()))
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", HOST):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(settings.STATIC_URL):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def where(exc: BaseException) -> str:
    """The innermost frame of the project's own code in the traceback."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if Path(f.filename).resolve().is_relative_to(PROJECT) and ".venv" not in f.filename
    ]
    if not frames:
        return ""
    frame = frames[-1]
    return f" at {Path(frame.filename).relative_to(PROJECT)}:{frame.lineno}"


def pressing_each_button(form: walk.Form) -> list[tuple[str, dict[str, Any]]]:
    """The form as the page filled it, sent once with each of its submit buttons (one
    form may save, send back or approve); the data the page filled is the same each time."""
    filled = walk.form_data(form, set(), b"", typed=False)
    buttons = [
        (name, info.get("value", ""))
        for _tag, name, info in form.fields
        if info["type"] in ("submit", "image")
    ]
    if len(buttons) < 2:
        return [("its button", filled)]
    without = {k: v for k, v in filled.items() if k not in {name for name, _ in buttons}}
    return [(f"{name}={value}", {**without, name: value}) for name, value in buttons]


def emptied(form: walk.Form) -> dict[str, str]:
    return {name: "" for _tag, name, _info in form.fields}


@dataclass
class Crawl:
    role: str
    user: User
    client: Client = field(default_factory=Client)
    findings: list[str] = field(default_factory=list)
    pages: int = 0
    submitted: int = 0
    forms_seen: set[tuple] = field(default_factory=set)
    logout: str = field(default_factory=lambda: reverse("logout"))

    def request(self, method: str, url: str, data: Any, label: str) -> HttpResponseBase | None:
        """The response, or None after recording a 5xx or a crash as a finding."""
        savepoint = transaction.savepoint()
        try:
            response = getattr(self.client, method)(url, data)
            # A streamed body (a download) is produced while read: read to its end here,
            # which also closes its file.
            walk.response_bytes(response)
        except Exception as exc:  # a crash is a finding, not the end of the crawl
            self.findings.append(f"{label}: {type(exc).__name__}: {exc}{where(exc)}")
            return None
        finally:
            transaction.savepoint_rollback(savepoint)
            # A form that signs the user out (password change …) must not end the crawl.
            if "_auth_user_id" not in self.client.session:
                self.client.force_login(self.user)
        if response.status_code >= 500:
            self.findings.append(f"{label}: status {response.status_code}")
            return None
        return response

    def run(self, start: str) -> None:
        """Level by level: of every pattern not yet crawled, the smallest URL among the
        links of the level before."""
        done: set[str] = set()
        found = {start}
        while found and self.pages < MAX_PAGES:
            chosen: dict[str, str] = {}
            for url in sorted(found):
                pattern = pattern_of(urlsplit(url).path)
                if pattern not in done:
                    chosen.setdefault(pattern, url)
            done |= set(chosen)
            found = set()
            for url in sorted(chosen.values())[: MAX_PAGES - self.pages]:
                found |= self.visit(url)

    def visit(self, url: str) -> set[str]:
        """GET a page, submit its forms; the site's links it holds (and its redirect)."""
        self.pages += 1
        response = self.request("get", url, None, f"{self.role} GET {url}")
        if response is None:
            return set()
        if 300 <= response.status_code < 400:
            target = internal(url, response.get("Location", ""))
            return {target} if target else set()
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return set()  # a download or a refusal: fetched, not read
        parser = walk.FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            self.submit(url, form)
        return {link for href in parser.links if (link := internal(url, href))}

    def submit(self, page: str, form: walk.Form) -> None:
        action = internal(page, form.action or page)
        if action is None or form.method not in ("get", "post"):
            return
        path = urlsplit(action).path
        if path == self.logout:
            return
        names = tuple(sorted({name for _tag, name, _info in form.fields}))
        key = (form.method, pattern_of(path), names)
        if key in self.forms_seen:  # the same form on another page (the header's, …)
            return
        self.forms_seen.add(key)
        # A GET form replaces the query of its action, as a browser does.
        target = path if form.method == "get" else action
        variants = {f"as filled, {button}": data for button, data in pressing_each_button(form)}
        variants["emptied"] = emptied(form)
        for variant, data in variants.items():
            self.submitted += 1
            label = f"{self.role} {form.method.upper()} {target} ({variant}, form on {page})"
            self.request(form.method, target, data, label)


@pytest.mark.usefixtures("quiet_request_log")
@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_form_answers_5xx(demo, role):
    user = User.objects.get(username=role)
    crawl = Crawl(role=role, user=user)
    crawl.client.force_login(user)
    crawl.run("/")
    if crawl.findings:
        pytest.fail("\n".join([f"{len(crawl.findings)} answers 5xx:", *crawl.findings]))
    assert crawl.pages >= MIN_PAGES[role], crawl.pages
    assert crawl.submitted > 0
