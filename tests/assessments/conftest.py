"""Fixtures shared by the assessments tests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from checklists.choices import ListStatus
from checklists.issuing import issue_checklists
from checklists.models import ResponsibilityList
from core.periods import Quarter

YEAR = timezone.localdate().year


@pytest.fixture
def year_lists(tree, sam):
    """Two quarters issued; A1's both approved (80 and 90), A2's first approved (50)."""
    for number in (1, 2):
        issue_checklists(quarter=Quarter(YEAR, number))
    lists = ResponsibilityList.objects.filter(year=YEAR)
    lists.filter(organization__code="A1", quarter=1).update(
        status=ListStatus.APPROVED, total_score=Decimal("80")
    )
    lists.filter(organization__code="A1", quarter=2).update(
        status=ListStatus.APPROVED, total_score=Decimal("90")
    )
    lists.filter(organization__code="A2", quarter=1).update(
        status=ListStatus.APPROVED, total_score=Decimal("50")
    )
    return lists
