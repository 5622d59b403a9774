"""Figures as pages and bulletins show them."""

from __future__ import annotations

from typing import Any

from django import template

from core import numbers

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """85.3 → "85.3%"; a rate that cannot be computed (None: nothing to divide by) → "—"
    (core.numbers.percent)."""
    return numbers.percent(value)


@register.filter
def yuan(value: Any) -> str:
    """1441000 → "1,441,000.00": money as every page shows it (core.numbers.money)."""
    return numbers.money(value)


@register.filter
def count(value: Any) -> str:
    """50000 → "50,000": a count of rows, people or organisations."""
    return numbers.money(value, places=0)
