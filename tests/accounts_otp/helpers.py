"""Signing in and computing authenticator codes in the second-factor tests."""

from __future__ import annotations

import re
import time

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent

PASSWORD = "pw-for-tests-1"
SETUP = reverse("accounts:otp_setup")
VERIFY = reverse("accounts:otp_verify")
RESET = reverse("accounts:otp_reset")


def sign_in(client, username: str, next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def code_for(device: TOTPDevice) -> str:
    """The authenticator's code for the first time step the device still accepts (a code
    is accepted once: after a sign-in within the same 30 s the app's next code is due)."""
    device.refresh_from_db()
    now = int((time.time() - device.t0) // device.step)
    ahead = max(0, device.last_t + 1 - now)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, ahead):0{device.digits}d}"


def pending_device(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed authenticator and two recovery codes, made directly."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="codes", confirmed=True)
    tokens = ["abcd2345", "efgh6723"]
    for token in tokens:
        StaticToken.objects.create(device=static, token=token)
    return device, tokens


def has_devices(user) -> bool:
    return (
        TOTPDevice.objects.filter(user=user).exists()
        or StaticDevice.objects.filter(user=user).exists()
    )


def shown_codes(content: str) -> list[str]:
    return re.findall(r"<code>([A-Z2-7]{4}-[A-Z2-7]{4})</code>", content)


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("created_at", "pk"))
