"""The suite runs on one date, however long it takes and whenever it starts."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import suite_start

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "utc",
    [
        datetime.datetime(2026, 12, 7, 15, 59, tzinfo=datetime.UTC),  # 23:59 in Shanghai
        datetime.datetime(2026, 12, 7, 16, 1, tzinfo=datetime.UTC),  # 00:01 the next day
    ],
)
def test_the_suite_starts_at_midday_of_the_local_date(utc):
    start = suite_start(utc, SHANGHAI)
    assert start.date() == utc.astimezone(SHANGHAI).date()
    assert (start.hour, start.minute) == (12, 0)


def test_the_suite_clock_runs_from_midday_at_the_real_pace():
    from tests import conftest

    real = datetime.datetime.fromtimestamp(time_machine.escape_hatch.time.time(), datetime.UTC)
    offset = timezone.now() - real
    assert abs(offset - (conftest.pinned_start - conftest.real_start)) < datetime.timedelta(
        seconds=5
    )
    assert timezone.localtime() >= conftest.pinned_start
