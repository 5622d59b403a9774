"""Holding a session at the password change page while the user still has an initial
password (User.must_change_password: set when staff create the account or reset its
password, cleared by the user's own change).

Add after accounts.middleware.SecondFactorMiddleware in settings.MIDDLEWARE: a user who
signs in with a second factor passes it first, then changes the password.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

#: views a session with an initial password may still reach: the change itself, signing
#: out, the second factor's pages, the liveness probe and the language endpoints
PASSWORD_CHANGE_EXEMPT = frozenset(
    {
        "accounts:password_change",
        "accounts:password_change_done",
        "accounts:otp_setup",
        "accounts:otp_verify",
        "logout",
        "admin:logout",
        "healthz",
        "set_language",
        "javascript-catalog",
    }
)


class PasswordChangeRequiredMiddleware:
    """Sends a signed-in user who must change their password to the change page, back to
    the page asked for afterwards. Needs the authentication middleware before it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], *args: Any
    ) -> HttpResponse | None:
        if request.path.startswith(settings.STATIC_URL):
            return None
        # Cheapest first: the user is loaded already; most users owe no change.
        user = request.user
        if not user.is_authenticated or not getattr(user, "must_change_password", False):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in PASSWORD_CHANGE_EXEMPT:
            return None
        # A form sent meanwhile cannot be replayed: back to the page it came from.
        target = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
        return redirect_to_login(target, reverse("accounts:password_change"))
