"""DateWidget reads the dates offices write, and never guesses month and day."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.widgets import DateWidget

MARCH_5 = datetime.date(2026, 3, 5)


def refusal(cell, widget: DateWidget | None = None) -> str:
    """The message `cell` is refused with."""
    try:
        (widget or DateWidget()).clean(cell)
    except ValueError as exc:
        return str(exc)
    raise AssertionError(f"{cell!r} was accepted")


@pytest.mark.parametrize(
    "cell",
    [
        "2026-03-05",
        "2026-3-5",
        "2026/3/5",
        "2026/03/05",
        "2026.3.5",
        "2026年3月5日",
        "2026年03月05日",
        "2026 年 3 月 5 日",
        "20260305",
        " 2026-03-05\u200b",  # a zero-width space pasted from a chat
        "2026/3/5 0:00",  # Excel's CSV of a date-time cell
        # full-width, as typed in a Chinese input method's full-width mode
        "２０２６－０３－０５",
        "２０２６／３／５",
        "２０２６．３．５",
        "２０２６年３月５日",
        "２０２６０３０５",
        "\u30002026-03-05\u3000",  # ideographic spaces around
    ],
)
def test_text_with_the_year_first_is_read(cell):
    assert DateWidget().clean(cell) == MARCH_5


def test_date_and_datetime_cells_are_read():
    assert DateWidget().clean(MARCH_5) == MARCH_5
    assert DateWidget().clean(datetime.datetime(2026, 3, 5, 14, 30)) == MARCH_5


@pytest.mark.parametrize("cell", [46086, 46086.0, 46086.6, Decimal("46086"), "46086"])
def test_excel_day_counts_are_read_as_numbers_and_as_digit_text(cell):
    # A date column formatted as a number shows days since 1899-12-30.
    assert DateWidget().clean(cell) == MARCH_5


def test_day_counts_cover_1910_to_2100_only():
    assert DateWidget().clean(3654) == datetime.date(1910, 1, 1)
    assert DateWidget().clean("73415") == datetime.date(2100, 12, 31)
    for cell in (3653, 73416, "99999", 100, "7", -5, float("nan")):
        with pytest.raises(ValueError, match="不是有效日期"):
            DateWidget().clean(cell)


@pytest.mark.parametrize(
    "cell", ["3/5/2026", "05/03/2026", "5.3.26", "5-3-2026", "26/3/5", "05032026"]
)
def test_month_and_day_are_never_guessed(cell):
    assert refusal(cell) == (f"“{cell}”无法确定月和日的顺序，请按“年-月-日”填写，如 2026-03-05。")


@pytest.mark.parametrize("cell", [2026, 2026.0, "2026", "２０２６", "2026年"])
def test_a_year_alone_is_refused(cell):
    assert refusal(cell) == "只有年份，请填写完整日期（如 2026-03-05）。"


@pytest.mark.parametrize("cell", ["2026-03", "2026年3月"])
def test_a_year_and_month_alone_are_refused(cell):
    with pytest.raises(ValueError, match="只有年和月"):
        DateWidget().clean(cell)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2026-02-30", "“2026-02-30”不是有效日期：2026年2月没有30日。"),
        ("2026年2月29日", "“2026年2月29日”不是有效日期：2026年2月没有29日。"),
        ("20260431", "“20260431”不是有效日期：2026年4月没有31日。"),
        ("2025-13-01", "“2025-13-01”不是有效日期：月份应为 1–12。"),
    ],
)
def test_days_that_do_not_exist_are_refused_naming_the_value(cell, message):
    assert refusal(cell) == message


@pytest.mark.parametrize("cell", ["abc", "2026-03-05-01", "٢٠٢٦-٠٣-٠٥", "三月五日", True])
def test_other_text_is_refused_with_the_format(cell):
    with pytest.raises(ValueError, match="不是有效日期，格式应为 YYYY-MM-DD"):
        DateWidget().clean(cell)


def test_blank_is_none_or_required():
    assert DateWidget().clean("") is None
    assert DateWidget().clean(" \u3000") is None
    assert DateWidget().clean(None) is None
    with pytest.raises(ValueError, match="必填，格式为 YYYY-MM-DD"):
        DateWidget(required=True).clean("")


def test_not_future_holds_for_every_form():
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    widget = DateWidget(not_future=True)
    assert widget.clean(f"{today:%Y年%m月%d日}") == today
    for cell in (
        f"{tomorrow.year}/{tomorrow.month}/{tomorrow.day}",
        f"{tomorrow:%Y%m%d}",
        (tomorrow - datetime.date(1899, 12, 30)).days,
        tomorrow,
    ):
        with pytest.raises(ValueError, match="不能晚于今天"):
            widget.clean(cell)


def test_dates_are_exported_as_iso_text():
    assert DateWidget().render(MARCH_5) == "2026-03-05"
    assert DateWidget().render(None) == ""
