"""Content-Security-Policy: the header on every kind of page, and templates that keep it
workable (no inline style or script the policy would block)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import path, reverse

from accounts.models import User

TEMPLATE_ROOTS = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]

# What a strict policy blocks: style attributes and blocks, inline script code, event
# handler attributes and javascript: URLs. <script src="…"></script> stays allowed.
INLINE_PATTERNS = {
    "style attribute": re.compile(r"""\sstyle\s*=\s*["'{]""", re.IGNORECASE),
    "style block": re.compile(r"<style\b", re.IGNORECASE),
    "inline script": re.compile(
        r"<script\b(?![^>]*\bsrc\s*=)[^>]*>|<script\b[^>]*>\s*[^<\s]", re.IGNORECASE
    ),
    "event handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def inline_code(text: str) -> list[str]:
    return [name for name, pattern in INLINE_PATTERNS.items() if pattern.search(text)]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def test_the_scanner_finds_each_kind_of_inline_code():
    assert inline_code('<span class="x" style="width: 5%">') == ["style attribute"]
    assert inline_code("<style>body{}</style>") == ["style block"]
    assert inline_code("<script>alert(1)</script>") == ["inline script"]
    assert inline_code('<script type="module">go()</script>') == ["inline script"]
    assert inline_code('<a href="#" onclick="go()">') == ["event handler attribute"]
    assert inline_code('<a href="javascript:go()">') == ["javascript: URL"]
    assert inline_code('<script src="/static/x.js"></script>') == []
    assert inline_code('<rect class="rate__fill" width="42.5" height="1"/>') == []


def test_no_template_holds_inline_style_or_script():
    templates = [p for root in TEMPLATE_ROOTS for p in Path(root).rglob("*.html")]
    assert len(templates) > 20  # the scan really looked at the portal's templates
    found = {
        str(path.relative_to(settings.BASE_DIR)): kinds
        for path in templates
        if (kinds := inline_code(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_policy_allows_only_our_own_origin(client, tree):
    response = client.get(reverse("login"))
    assert policy(response) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


@pytest.mark.parametrize(
    ("username", "url"),
    [
        (None, "/accounts/login/"),
        ("bob", "/"),
        ("bob", "/funding/"),
        ("bob", "/sites/"),
        ("bob", "/admin/"),
        ("bob", "/admin/members/member/"),
        ("bob", "/orgs/no-such-organisation/"),  # the 404 page
        ("sam", "/members/export-log/"),  # the 403 page
    ],
)
def test_pages_carry_the_policy_without_unsafe_sources(client, tree, bob, sam, username, url):
    if username:
        client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response["Content-Type"].startswith("text/html")
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "script-src 'self'" in header


def simulated_failure(request):
    raise RuntimeError("simulated failure")


# This module doubles as a URLconf for the server-error test.
urlpatterns = [path("boom/", simulated_failure)]


@pytest.mark.urls(__name__)
def test_the_server_error_page_needs_no_inline_style(client, tree):
    """The 500 page is what a user sees when everything else failed: it renders under the
    policy, with the portal stylesheet instead of a style block."""
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器内部错误" in page
    assert "/static/css/portal.css" in page
    assert inline_code(page) == []
    assert "unsafe-inline" not in response["Content-Security-Policy"]
