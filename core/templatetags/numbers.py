"""Figures as pages and bulletins show them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """85.3 → "85.3%"; a rate that cannot be computed (None: nothing to divide by) → "—"."""
    return "—" if value is None else f"{localize(value)}%"
