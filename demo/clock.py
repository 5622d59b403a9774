"""The demo's clock: the demo replays a year of work through the services, and those stamp
the moment they act with `timezone.now()` (a list's issue and submission times and its
lateness, the review time and the rectification deadlines it sets, a register entry's
registration day). Each act is run at its own moment of the past, so that a list submitted
in July is on time, a bulletin of the third quarter sees what stood on 30 September, and
the register's dates follow one another as they would have."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


def moment(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """`day` at that local time, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@contextmanager
def demo_clock(at: datetime.datetime) -> Iterator[datetime.datetime]:
    """Run the block as if it were `at` (never later than the real now: nothing in the
    demo happens in the future). Every caller of `timezone.now()` and
    `timezone.localdate()` sees that moment, model timestamps and history included."""
    at = min(at, timezone.now())
    with mock.patch.object(timezone, "now", return_value=at):
        yield at
