"""Writing audit events: the one place rows of AuditEvent are made.

Decision — where the write happens and what a failure does:

* The event is written in the caller's transaction, inside a savepoint of it. An action
  that rolls back (a grant refused half-way, an export that raises) leaves no event, and
  one that commits commits with its event: the trail claims nothing that did not happen,
  and no crash between the action and a later write can lose an event (GB/T 22239 level
  3: every important user action and security event is audited).
* A failed write (database full, a bug here) is logged at ERROR with its traceback and
  swallowed: the savepoint keeps the caller's transaction usable, so nothing the trail
  records — a sign-in above all, but also a grant or an export — fails because of it.
  `fail_safe` does the same for the recorders around the write (the receivers). The log
  line is what operations monitor; it carries no personal data (core.log_filters).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.http import HttpRequest
from simple_history.models import HistoricalRecords

from .labels import NO_SCOPE, UserScope, user_scope
from .models import AuditEvent

logger = logging.getLogger(__name__)

Recorder = TypeVar("Recorder", bound=Callable[..., None])


def fail_safe(recorder: Recorder) -> Recorder:
    """A recorder of the trail (a signal receiver, a page's hook): whatever goes wrong in
    it (reading the names it records, a bug) is logged and swallowed like a failed write,
    never raised into the action it records."""

    @functools.wraps(recorder)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            recorder(*args, **kwargs)
        except Exception:
            logger.exception("Audit recorder %s failed", recorder.__name__)

    return guarded  # type: ignore[return-value]


def current_request() -> HttpRequest | None:
    """The request being served, from simple-history's HistoryRequestMiddleware; None
    outside a request (a management command, a worker task)."""
    return getattr(HistoricalRecords.context, "request", None)


def acting_user(request: HttpRequest | None) -> Any:
    """The signed-in user of `request`; None for anonymous requests and commands."""
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def client_address(request: HttpRequest | None) -> str | None:
    """The client as django-axes sees it (the same proxy handling as the login throttle),
    or None when it is not an IP address (no request, a malformed header)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str | None = None,
    scope: UserScope | None = None,
    target: str = "",
    organization_id: int | None = None,
) -> AuditEvent | None:
    """Write one event; None if the write failed (logged, see the module's docstring).

    `user` is the acting user (None: anonymous or a command); `username` defaults to
    theirs; `scope` to their assignments now; `organization_id` to the highest
    organisation of that scope (whose staff may read the event).
    """
    try:
        with transaction.atomic():
            if scope is None:
                scope = user_scope(user) if user is not None else NO_SCOPE
            return AuditEvent.objects.create(
                kind=kind,
                user=user,
                username=username if username is not None else getattr(user, "username", ""),
                ip_address=client_address(request),
                scope_label=scope.label,
                target=target,
                organization_id=organization_id
                if organization_id is not None
                else scope.organization_id,
            )
    except Exception:
        logger.exception("Audit event %s could not be written", kind)
        return None
