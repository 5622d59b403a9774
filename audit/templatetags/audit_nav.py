"""The navigation entry of the audit page, shown to those who may read it."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from audit.access import can_read_audit

register = template.Library()


@register.inclusion_tag("audit/_nav_item.html", takes_context=True)
def audit_nav_item(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_read_audit(user):
        return {"url": None}
    url = reverse("audit:list")
    return {"url": url, "active": request.path.startswith(url)}
