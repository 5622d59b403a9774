"""The `percent` filter: one way for every page, bulletin and admin column to show a rate."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template


def render(value) -> str:
    return Template("{% load numbers %}{{ value|percent }}").render(Context({"value": value}))


def test_a_rate_is_shown_with_its_sign_and_a_missing_one_as_a_dash():
    assert render(Decimal("85.3")) == "85.3%"
    assert render(0) == "0%"
    assert render(None) == "—"
