"""Rates and sums of money as every page, export and bulletin shows them: one rounding
rule (四舍五入, half up), one way to write a rate (one decimal place: "12.3%", "25.0%")
and one way to write yuan, with thousands separators."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

TENTH = Decimal("0.1")
CENT = Decimal("0.01")


def rate(part: Any, whole: Any) -> Decimal | None:
    """`part` as a percentage of `whole`, to one decimal place, half up (49 of 400 is
    12.3); None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def round_tenth(value: Any) -> Decimal | None:
    """A figure to one decimal place, half up; None stays None."""
    return None if value is None else Decimal(value).quantize(TENTH, ROUND_HALF_UP)


def percent(value: Any) -> str:
    """A rate as every page, chart, export and bulletin writes it: 12.3 → "12.3%",
    25.0 → "25.0%" (the decimal place `rate` gives is kept); a value with more places is
    rounded by the one rule first (12.25 → "12.3%"); None (nothing to divide by) → "—"."""
    return "—" if value is None else f"{_rate_text(value)}%"


def points(change: Any) -> str:
    """The change of a rate in percentage points (个百分点), without its sign, written
    like the rate: -2.5 → "2.5", 30.0 → "30.0"."""
    return _rate_text(abs(Decimal(change)))


def _rate_text(value: Any) -> str:
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if number.as_tuple().exponent < -1:
        number = number.quantize(TENTH, ROUND_HALF_UP)
    return f"{number:f}"


def money(value: Any, *, places: int = 2) -> str:
    """Yuan with thousands separators: 1441000 → "1,441,000.00" (places=0: "1,441,000")."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(value).quantize(quantum, ROUND_HALF_UP):,.{places}f}"


def plain_number(value: Any) -> str:
    """5.00 → "5", 2.50 → "2.5": a rate or a count as people write it in a sentence."""
    text = f"{Decimal(value).quantize(CENT, ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
