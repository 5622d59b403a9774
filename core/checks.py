"""System checks (`manage.py check`) for settings that only go wrong at a distance."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning as CheckWarning


def mail_links_check(app_configs, **kwargs) -> list[CheckWarning]:
    if settings.EMAIL_HOST and not settings.PORTAL_URL:
        return [
            CheckWarning(
                "EMAIL_HOST is set but PORTAL_URL is not: links in mailed notifications "
                "will be paths without the portal's address.",
                hint="Set PORTAL_URL to the address users open, e.g. https://dangjian.example.gov.cn",
                id="core.W001",
            )
        ]
    return []
