"""The printable slips of initial passwords (账号通知单): one PDF per township, one slip per
account with the organisation, the user name, the initial password and where to sign in.

They are rendered in the request that made the passwords, which are never stored: the
PDF goes to the short-lived store (accounts.manage.slip_store) and nowhere else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from orgs.models import Organization


class SlipsUnavailable(Exception):
    """The slips cannot be rendered; the message is Chinese and shown to staff."""


@dataclass(frozen=True)
class Slip:
    organization_name: str
    organization_code: str
    full_name: str
    role_label: str
    username: str
    password: str


def login_address(request: HttpRequest | None) -> str:
    """The login page as users open it: PORTAL_URL when the deployer set it (behind a
    proxy the request's host may be an internal one), else the address of this request."""
    path = reverse("login")
    if settings.PORTAL_URL:
        return f"{settings.PORTAL_URL}{path}"
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def slips_filename(group: Organization, day: datetime.date) -> str:
    # ASCII only: the code is; the Chinese name is in the document's title.
    return f"account-slips-{group.code}-{day:%Y%m%d}.pdf"


def render_slips(*, group: Organization, slips: list[Slip], login_url: str, reason: str) -> bytes:
    """The PDF of `slips`, headed by `group` (their township). Raises SlipsUnavailable
    (e.g. the CJK font is missing)."""
    # The portal's one WeasyPrint renderer, fenced to our static files; imported here
    # because WeasyPrint takes a second to load (core/pdf.py).
    from core.pdf import PdfError, render_pdf

    html = render_to_string(
        "accounts/slips_pdf.html",
        {
            "group": group,
            "slips": slips,
            "login_url": login_url,
            "reason": reason,
            "issued_on": timezone.localdate(),
            "portal_title": settings.PORTAL_TITLE,
        },
    )
    try:
        data, _pages = render_pdf(html)
    except PdfError as exc:
        raise SlipsUnavailable(str(exc)) from exc
    return data
