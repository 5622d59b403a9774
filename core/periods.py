"""Calendar arithmetic and the reporting periods, one implementation for every app.

- Dates: `add_months` / `add_years` keep the day of the month and clamp it to the end of a
  shorter month (31 January + 1 month = 28/29 February; 29 February + 1 year = 28
  February), which is dateutil's `relativedelta`.
- Counting months: `months_inclusive` counts calendar months with both ends included (a
  member's dues from January to March: 3); `whole_months_between` counts months completed
  (probation from 5 March to 4 March next year: 11).
- Periods: a `Quarter` (2026Q4, 2026年第4季度) is what responsibility lists, meeting rules
  and health rules speak of; a `Period` is a quarter or a month (2026-11) for dashboards and
  bulletins, and "the previous period" means the same thing everywhere.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .years import check_year

QUARTER = "quarter"
MONTH = "month"

QUARTER_RE = re.compile(r"^(\d{4})\s*Q([1-4])$", re.IGNORECASE)
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


# --- dates ------------------------------------------------------------------------------
def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the end of a shorter month."""
    return day + relativedelta(months=months)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (or earlier); 29 February becomes 28 February."""
    return day + relativedelta(years=years)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_inclusive(first: datetime.date, last: datetime.date) -> int:
    """Calendar months from `first`'s month to `last`'s, both included (0 if last < first)."""
    count = (last.year - first.year) * 12 + (last.month - first.month) + 1
    return max(count, 0)


def whole_months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months completed from `start` to `end` (0 when `end` is not later)."""
    if end <= start:
        return 0
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


# --- quarters ---------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER_RE.match((text or "").strip())
        if not match:
            raise ValidationError(_("季度格式应为 2026Q4 这样的“年份Q季度”。"))
        return cls(check_year(int(match.group(1))), int(match.group(2)))

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        month = 3 * self.number
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @property
    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def __contains__(self, day: datetime.date) -> bool:
        return self.first_day <= day <= self.last_day

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return _("%(year)s年第%(number)s季度") % {"year": self.year, "number": self.number}


# --- periods: a quarter or a month ------------------------------------------------------
@dataclass(frozen=True, order=True)
class Period:
    kind: str
    year: int
    number: int  # quarter 1..4 or month 1..12

    @classmethod
    def parse(cls, text: str) -> Period:
        text = (text or "").strip()
        if match := QUARTER_RE.match(text):
            return cls(QUARTER, check_year(int(match.group(1))), int(match.group(2)))
        if (match := MONTH_RE.match(text)) and 1 <= int(match.group(2)) <= 12:
            return cls(MONTH, check_year(int(match.group(1))), int(match.group(2)))
        raise ValidationError(_("期间格式应为 2026Q4（季度）或 2026-11（月份）。"))

    @classmethod
    def quarter_of(cls, day: datetime.date) -> Period:
        return cls(QUARTER, day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def month_of(cls, day: datetime.date) -> Period:
        return cls(MONTH, day.year, day.month)

    @classmethod
    def of_quarter(cls, quarter: Quarter) -> Period:
        return cls(QUARTER, quarter.year, quarter.number)

    @property
    def is_quarter(self) -> bool:
        return self.kind == QUARTER

    @property
    def first_day(self) -> datetime.date:
        month = 3 * self.number - 2 if self.is_quarter else self.number
        return datetime.date(self.year, month, 1)

    @property
    def last_day(self) -> datetime.date:
        month = 3 * self.number if self.is_quarter else self.number
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def previous(self) -> Period:
        if self.number > 1:
            return Period(self.kind, self.year, self.number - 1)
        return Period(self.kind, self.year - 1, 4 if self.is_quarter else 12)

    @property
    def quarter(self) -> Quarter:
        """The quarter the period falls in: responsibility lists are quarterly."""
        return Quarter.of(self.first_day)

    def __str__(self) -> str:
        if self.is_quarter:
            return f"{self.year}Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def label(self) -> str:
        if self.is_quarter:
            return self.quarter.label
        return _("%(year)s年%(number)s月") % {"year": self.year, "number": self.number}
