"""The funding warnings on an organisation's page (orgs.figures registry; orgs may not
import funding)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.figures import register_org_warning_provider
from orgs.models import Organization

from .models import FundLine
from .services.standards import funding_warnings

SHOWN = 10


def funding_page_warnings(org: Organization) -> list[str]:
    """This year's funding findings of the subtree; the rest are counted, the funding page
    lists them all. Quiet until the year's funds are being recorded at all: before that,
    every village would be "below standard", which says nothing an organisation can act on."""
    year = timezone.localdate().year
    if not FundLine.objects.filter(year=year).exists():
        return []
    findings = funding_warnings(org, year)
    messages = [f"{finding.org_name}：{finding.message}" for finding in findings[:SHOWN]]
    if len(findings) > SHOWN:
        messages.append(
            _("经费方面另有 %(n)d 条提示，见“党建经费”页面。") % {"n": len(findings) - SHOWN}
        )
    return messages


def register_org_warnings() -> None:
    register_org_warning_provider(funding_page_warnings)
