"""The demo county's calendar: every date of the demo's year of work is placed relative to
the day `seed_demo` runs (`timezone.localdate()`), so that the running quarter is the real
one and the two quarters before it are closed — reported, reviewed and in the bulletins.

Dates hang on quarter and month boundaries rather than on "today minus n days" wherever
they can: running the demo again the next day then finds the same records and adds none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class DemoQuarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: datetime.date) -> DemoQuarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.next.first_day - datetime.timedelta(days=1)

    @property
    def previous(self) -> DemoQuarter:
        if self.number == 1:
            return DemoQuarter(self.year - 1, 4)
        return DemoQuarter(self.year, self.number - 1)

    @property
    def next(self) -> DemoQuarter:
        if self.number == 4:
            return DemoQuarter(self.year + 1, 1)
        return DemoQuarter(self.year, self.number + 1)

    def month(self, index: int) -> datetime.date:
        """The first day of the quarter's month `index` (0, 1 or 2)."""
        return datetime.date(self.year, 3 * self.number - 2 + index, 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def demo_today() -> datetime.date:
    return timezone.localdate()


def running_quarter(today: datetime.date) -> DemoQuarter:
    return DemoQuarter.of(today)


def closed_quarters(today: datetime.date) -> tuple[DemoQuarter, DemoQuarter]:
    """The two quarters before the running one, older first."""
    last = DemoQuarter.of(today).previous
    return last.previous, last


def add_months(day: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months after `day`'s month."""
    index = day.year * 12 + day.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_from(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def days_after(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)
