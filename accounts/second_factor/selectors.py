"""Who signs in with a second factor, and which step of it a user is at.

GB/T 22239 level 3 asks for two factors for privileged users: superusers, holders of the
full-view permission (ID numbers and phones unmasked) and county staff (the staff role on a
root of the tree), who see and change the whole county. Enforcement is
`accounts.middleware.SecondFactorMiddleware`, switched on by settings.OTP_REQUIRED.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgs.scope import covers_root

from ..services import FULL_PERSONAL_DATA


def requires_second_factor(user: Any) -> bool:
    """Whether `user` must confirm their sign-in with an authenticator code."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    app_label, codename = FULL_PERSONAL_DATA
    return bool(user.is_superuser or user.has_perm(f"{app_label}.{codename}") or covers_root(user))


def has_authenticator(user: Any) -> bool:
    """Whether the user has confirmed an authenticator (else they enrol first)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_url(user: Any) -> str:
    """The page an unverified session goes to: enrolment or verification."""
    name = "accounts:otp_verify" if has_authenticator(user) else "accounts:otp_setup"
    return reverse(name)
