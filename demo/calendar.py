"""The demo county's calendar: every date of the demo's year of work is placed relative to
the day `seed_demo` runs (`timezone.localdate()`), so that the running quarter is the real
one and the two quarters before it are closed — reported, reviewed and in the bulletins.

Dates hang on quarter and month boundaries rather than on "today minus n days" wherever
they can: running the demo again the next day then finds the same records and adds none.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.periods import Quarter, add_months, month_start


def demo_today() -> datetime.date:
    return timezone.localdate()


def running_quarter(today: datetime.date) -> Quarter:
    return Quarter.of(today)


def closed_quarters(today: datetime.date) -> tuple[Quarter, Quarter]:
    """The two quarters before the running one, older first."""
    last = Quarter.of(today).previous
    return last.previous, last


def months_from(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def days_after(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)
