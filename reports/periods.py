"""Reporting periods: a quarter (2026Q4) or a month (2026-11).

Dashboards and bulletins speak of one period and compare it with the one before; both go
through this type so "the previous period" means the same thing everywhere.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.years import check_year

QUARTER = "quarter"
MONTH = "month"

QUARTER_RE = re.compile(r"^(\d{4})\s*Q([1-4])$", re.IGNORECASE)
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


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
    def quarters(self) -> tuple[int, int]:
        """(year, quarter) the period falls in: responsibility lists are quarterly."""
        month = self.first_day.month
        return self.year, (month - 1) // 3 + 1

    def __str__(self) -> str:
        if self.is_quarter:
            return f"{self.year}Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def label(self) -> str:
        if self.is_quarter:
            return _("%(year)s年第%(number)s季度") % {"year": self.year, "number": self.number}
        return _("%(year)s年%(number)s月") % {"year": self.year, "number": self.number}
