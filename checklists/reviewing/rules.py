"""The figures a review goes by: when a scored item falls short (and becomes a
rectification), how long a rectification runs, and which quarter the review list opens on.
The thresholds are settings (config/settings/base.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings

from core.periods import Quarter

from ..issuing import deadline_for
from ..models import ChecklistItem

#: the review list shows the previous quarter until this many days past its deadline
REVIEW_SEASON_DAYS = 15


def rectify_below_percent() -> Decimal:
    return Decimal(settings.CHECKLIST_RECTIFY_BELOW_PERCENT)


def rectify_days() -> int:
    return settings.CHECKLIST_RECTIFY_DAYS


def default_review_quarter(today: datetime.date) -> Quarter:
    """The quarter the review list opens on: the previous one while its lists are still
    coming in and being reviewed (up to REVIEW_SEASON_DAYS after its deadline), else the
    current one."""
    previous = Quarter.of(today).previous
    if today <= deadline_for(previous) + datetime.timedelta(days=REVIEW_SEASON_DAYS):
        return previous
    return Quarter.of(today)


def falls_short(item: ChecklistItem) -> bool:
    """Scored below the threshold share of the item's points (exactly at it is not)."""
    if item.score is None:
        return False
    return item.score * 100 < item.points * rectify_below_percent()
