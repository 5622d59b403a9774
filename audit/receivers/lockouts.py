"""Lockouts (django-axes' user_locked_out) and their release (AccessAttempt deleted from
the admin, by `axes_reset*` commands or by axes' own API)."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.labels import NO_SCOPE, user_by_name, user_scope
from audit.models import AuditKind
from audit.recording import acting_user, current_request, fail_safe, record


def failure_limit(request: HttpRequest | None, credentials: dict[str, Any] | None) -> int | None:
    try:
        return get_failure_limit(request, credentials or {})
    except Exception:  # noqa: BLE001 - a custom limit that cannot answer here: unknown
        return None


def refused_while_locked(request: HttpRequest | None, credentials: dict[str, Any]) -> bool:
    """Whether axes refused this sign-in because the pair was locked already (no password
    was checked). Read after axes' own receiver, which is connected first (INSTALLED_APPS
    order). By default axes still counts such an attempt (and extends the lock), so the
    count passes the limit; without that (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
    off) it flags the request and counts nothing."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return bool(getattr(request, "axes_locked_out", False))
    limit = failure_limit(request, credentials)
    return limit is not None and failures > limit


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
@fail_safe
def lockout_recorded(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # axes signals again at every attempt refused during the lock: only the lock's start
    # is an event (the refused attempts are recorded as failed sign-ins).
    if refused_while_locked(request, getattr(request, "axes_credentials", None) or {}):
        return
    failures = getattr(request, "axes_failures_since_start", None)
    record(
        AuditKind.LOCKED_OUT,
        request=request,
        username=username or "",
        scope=NO_SCOPE,
        target=_("%(username)s：连续 %(n)s 次登录失败") % {"username": username, "n": failures},
        organization_id=user_scope(user_by_name(username or "")).organization_id,
    )


def was_locking(attempt: AccessAttempt, request: HttpRequest | None) -> bool:
    """Whether the deleted row still locked its pair. Rows below the limit (removed on a
    successful sign-in) and rows whose cool-off had run out (axes' own clean-up) unlock
    nobody, so their deletion is no event."""
    limit = failure_limit(request, {"username": attempt.username})
    if limit is not None and attempt.failures_since_start < limit:
        return False
    try:
        cool_off = get_cool_off(request)
    except Exception:  # noqa: BLE001 - a custom cool-off that needs a request: still locked
        return True
    return cool_off is None or attempt.attempt_time > timezone.now() - cool_off


@receiver(post_delete, sender=AccessAttempt, dispatch_uid="audit_unlocked")
@fail_safe
def unlock_recorded(sender: Any, instance: AccessAttempt, **kwargs: Any) -> None:
    request = current_request()
    if not was_locking(instance, request):
        return
    record(
        AuditKind.UNLOCKED,
        request=request,
        user=acting_user(request),
        target=_("%(username)s（%(ip)s）")
        % {"username": instance.username or "—", "ip": instance.ip_address or "—"},
        organization_id=user_scope(user_by_name(instance.username or "")).organization_id,
    )
