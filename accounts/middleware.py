"""Signing out sessions left unused (GB/T 22239: 登录连接超时自动退出), and holding
privileged sessions at the second factor until it is passed (双因素认证)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .pending_post import keep as keep_pending_post
from .second_factor.selectors import requires_second_factor, second_factor_url

#: session key of the last request's time (whole seconds since the epoch)
LAST_ACTIVITY = "idle_last_activity"
#: the time is written at most this often, so that a busy session is not saved on every
#: request; a session may therefore end up to this much before the full idle time
WRITE_INTERVAL = 60
#: set on the request whose session this middleware ends (the audit trail says why)
IDLE_LOGOUT = "idle_logout"

clock: Callable[[], float] = time.time


def signed_in_at(request: HttpRequest) -> int | None:
    """A session not used since its sign-in has that as its last activity: the user's
    last_login (set by the sign-in; the user is loaded by nearly every page anyway). The
    first request after a sign-in then writes no session."""
    last_login = getattr(request.user, "last_login", None)
    return int(last_login.timestamp()) if last_login is not None else None


class IdleTimeoutMiddleware:
    """Signs out a session unused for SESSION_IDLE_TIMEOUT seconds (0: never) and sends
    the user to the login page, back to the page they asked for afterwards. The absolute
    limit (SESSION_COOKIE_AGE) applies as well. Needs the session, authentication and
    messages middleware before it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.SESSION_IDLE_TIMEOUT
        # The session says whether someone is signed in: anonymous requests cost nothing.
        if timeout and request.session.get(SESSION_KEY) is not None:
            now = int(clock())
            last = request.session.get(LAST_ACTIVITY)
            if not isinstance(last, int):
                last = signed_in_at(request)
            if last is not None and now - last >= timeout:
                return self.signed_out(request, timeout)
            if last is None or now - last >= WRITE_INTERVAL:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)

    def signed_out(self, request: HttpRequest, timeout: int) -> HttpResponse:
        setattr(request, IDLE_LOGOUT, True)
        user_pk = request.user.pk
        logout(request)  # a new, empty session: the message goes with the response
        kept = request.method == "POST" and keep_pending_post(request, user_pk)
        messages.warning(
            request,
            _("由于 %(minutes)d 分钟没有操作，您已自动退出，请重新登录。")
            % {"minutes": timeout // 60}
            + (_("您刚才填写的内容已保留，登录后将自动提交。") if kept else ""),
        )
        # Back to the page asked for; a form is submitted again from the kept copy there.
        target = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
        return redirect_to_login(target)


#: views an unverified session may still reach: the second factor's own pages, signing
#: out, the liveness probe and the language endpoints (if installed)
SECOND_FACTOR_EXEMPT = frozenset(
    {
        "accounts:otp_setup",
        "accounts:otp_verify",
        "logout",
        "healthz",
        "set_language",
        "javascript-catalog",
    }
)


class SecondFactorMiddleware:
    """With settings.OTP_REQUIRED, a user who must sign in with a second factor
    (accounts.second_factor.selectors.requires_second_factor) reaches nothing but the
    pages above until the session is verified: they go to enrolment if they have no
    authenticator yet, else to verification, back to the page asked for afterwards. Needs
    django-otp's OTPMiddleware before it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], *args: Any
    ) -> HttpResponse | None:
        if not settings.OTP_REQUIRED or request.path.startswith(settings.STATIC_URL):
            return None
        # Cheapest first: anonymous and verified sessions, then the exempt views.
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_EXEMPT:
            return None
        if not requires_second_factor(user):
            return None
        target = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
        return redirect_to_login(target, second_factor_url(user))
