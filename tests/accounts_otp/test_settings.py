"""The switch: off for the embedded run and the suite, on under the production settings."""

from __future__ import annotations

from django.conf import settings

from tests.test_deploy import run_manage

SHOW = "from django.conf import settings; print('OTP_REQUIRED', settings.OTP_REQUIRED)"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k3y-" + "x9Qz!7rT#vB2mL@w" * 4,
    "DJANGO_ALLOWED_HOSTS": "dangjian.example.gov.cn",
}


def test_production_requires_the_second_factor():
    result = run_manage(
        "shell", "-c", SHOW, PERSONAL_DATA_KEYS=settings.PERSONAL_DATA_KEYS[0], **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert "OTP_REQUIRED True" in result.stdout


def test_the_embedded_run_does_not():
    result = run_manage("shell", "-c", SHOW, DJANGO_SETTINGS_MODULE="config.settings.base")
    assert result.returncode == 0, result.stderr
    assert "OTP_REQUIRED False" in result.stdout


def test_the_environment_switches_it():
    result = run_manage(
        "shell", "-c", SHOW, DJANGO_SETTINGS_MODULE="config.settings.base", DJANGO_OTP_REQUIRED="1"
    )
    assert "OTP_REQUIRED True" in result.stdout
