"""The team as other apps' pages show it: the organisation page's lines on its committee,
with the way to its team page (orgs' code does not import teams; its templates load this)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from orgs.models import Organization

from ..choices import Position
from ..selectors import team_on

register = template.Library()


@register.inclusion_tag("teams/team/_summary.html")
def team_summary(org: Organization) -> dict[str, Any]:
    """The committee in post (one query): how many, and whether a 书记 is among them."""
    team = team_on(org, timezone.localdate())
    return {
        "org": org,
        "committee": len(team),
        "secretary_vacant": not any(m.position == Position.SECRETARY for m in team),
    }
