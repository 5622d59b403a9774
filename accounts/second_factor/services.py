"""Enrolling an authenticator, checking codes, and the one-time recovery codes.

Codes are checked by django-otp's devices, with their throttling: after each wrong code
a device refuses to check another for 1, 2, 4 … seconds (verify_is_allowed). Recovery
codes are a StaticDevice of ten single-use tokens.
"""

from __future__ import annotations

import datetime
import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import User
from ..signals import second_factor_enrolled, second_factor_failed

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class CodeCheck:
    outcome: Outcome
    device: Device | None = None
    retry_at: datetime.datetime | None = None  # when THROTTLED
    recovery_codes: tuple[str, ...] = ()  # after an enrolment, shown once

    @property
    def accepted(self) -> bool:
        return self.outcome is Outcome.ACCEPTED


def typed_code(text: str) -> str:
    """A code as typed: full-width digits from a Chinese input method become ASCII, and
    blanks and hyphens (recovery codes are shown as ABCD-EFGH) go; stored in lower case."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).lower()


def pending_authenticator(user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator, made on the first visit: reloading the
    enrolment page shows the same key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)
    return device


def _check(device: Any, token: str) -> CodeCheck:
    allowed, data = device.verify_is_allowed()
    if not allowed:
        return CodeCheck(Outcome.THROTTLED, retry_at=(data or {}).get("locked_until"))
    if device.verify_token(token):
        return CodeCheck(Outcome.ACCEPTED, device)
    return CodeCheck(Outcome.REFUSED)


def _failed(request: HttpRequest | None, user: User, check: CodeCheck, during: str) -> None:
    if check.outcome is Outcome.THROTTLED:
        reason = _("%(during)s：尝试过于频繁，未校验验证码") % {"during": during}
    else:
        reason = _("%(during)s：验证码错误") % {"during": during}
    second_factor_failed.send(sender=User, request=request, user=user, reason=reason)


def new_recovery_codes(user: User) -> tuple[str, ...]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
    tokens: set[str] = set()
    while len(tokens) < RECOVERY_CODE_COUNT:
        tokens.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in sorted(tokens))
    # Shown in capitals: base32 has no 0 or 1, so O and I cannot be misread.
    return tuple(f"{t[:4]}-{t[4:]}".upper() for t in sorted(tokens))


def confirm_enrolment(request: HttpRequest | None, user: User, code: str) -> CodeCheck:
    """Confirm the pending authenticator with a code it shows: it becomes the user's only
    authenticator and the user gets new recovery codes."""
    with transaction.atomic():
        pending = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if pending is None or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return CodeCheck(Outcome.REFUSED)
        check = _check(pending, typed_code(code))
        if not check.accepted:
            _failed(request, user, check, _("绑定身份验证器"))
            return check
        pending.confirmed = True
        pending.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=pending.pk).delete()
        codes = new_recovery_codes(user)
        second_factor_enrolled.send(sender=User, request=request, user=user)
    return CodeCheck(Outcome.ACCEPTED, pending, recovery_codes=codes)


def verify_code(request: HttpRequest | None, user: User, code: str) -> CodeCheck:
    """Check a sign-in's code: six digits against the authenticator, anything else as a
    recovery code (used up when accepted). Each device throttles its own attempts."""
    token = typed_code(code)
    model = TOTPDevice if TOTP_CODE.fullmatch(token) else StaticDevice
    with transaction.atomic():
        device = (
            model.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        check = _check(device, token) if device is not None else CodeCheck(Outcome.REFUSED)
        if not check.accepted:
            _failed(request, user, check, _("登录验证"))
    return check


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
