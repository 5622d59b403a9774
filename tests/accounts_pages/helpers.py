"""Signing in, reading slips and finding audit events in the account page tests."""

from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from audit.models import AuditEvent

PASSWORD = "pw-for-tests-1"
USERS = reverse("accounts:users")
CREATE = reverse("accounts:create")
MISSING = reverse("accounts:missing_secretaries")
BULK = reverse("accounts:create_secretaries")
ONE = reverse("accounts:create_secretary")
SLIP = reverse("accounts:slip")
RESET = reverse("accounts:password_reset")
UNLOCK = reverse("accounts:unlock")
DEACTIVATE = reverse("accounts:deactivate")
REACTIVATE = reverse("accounts:reactivate")
CHANGE = reverse("accounts:password_change")
LOGIN = reverse("login")
TOKEN = "6b1f0a52-8a51-4c51-9d7b-0c3e1d9c1a01"
INITIAL = re.compile(r"[a-z2-9]{4}(?:-[a-z2-9]{4}){3}")


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def batch_of(response) -> str:
    """The batch key of a redirect to the creation result page."""
    assert response.status_code == 302, response.content.decode()[:800]
    location = response["Location"]
    assert location.startswith(reverse("accounts:created")), location
    return parse_qs(urlsplit(location).query)["batch"][0]


def slip_keys(client, batch: str) -> list[str]:
    page = client.get(reverse("accounts:created"), {"batch": batch}).content.decode()
    return re.findall(r'name="key" value="([^"]+)"', page)


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed by these tests"
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def slips_in(text: str) -> dict[str, str]:
    """{username: initial password} of every slip in a PDF's text."""
    usernames = re.findall(r"用户名：\s*(\S+)", text)
    passwords = re.findall(r"初始密码：\s*(\S+)", text)
    assert len(usernames) == len(passwords), text
    return dict(zip(usernames, passwords, strict=True))


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))
