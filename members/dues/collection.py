"""What each organisation collected in a month: its direct members' records, due, paid
and paid above the amount due (自愿多交) (reads). The subtree's total over a period is
`members.selectors.dues_collection`."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum

from core.numbers import rate
from core.periods import month_start
from orgs.models import Organization

from ..models import DuesRecord
from .rates import ZERO


@dataclass(frozen=True)
class OrgCollection:
    organization: Organization
    members: int
    recorded: int
    paid_in_full: int
    due: Decimal
    paid: Decimal
    voluntary: Decimal = ZERO

    @property
    def rate(self) -> Decimal | None:
        return rate(self.paid, self.due)

    @property
    def missing(self) -> int:
        return max(self.members - self.recorded, 0)


def collection_by_organization(
    organizations: Sequence[Organization], member_counts: dict[int, int], month: datetime.date
) -> list[OrgCollection]:
    """Per organisation (its direct members) for one month: records, due and paid (one
    query). Organisations without members or records are left out."""
    month = month_start(month)
    rows = {
        row["member__organization_id"]: row
        for row in DuesRecord.objects.filter(
            member__organization_id__in=[o.pk for o in organizations], month=month
        )
        .values("member__organization_id")
        .annotate(
            recorded=Count("id"),
            paid_in_full=Count("id", filter=Q(amount_paid__gte=F("amount_due"))),
            due=Sum("amount_due"),
            paid=Sum("amount_paid"),
            voluntary=Sum(
                ExpressionWrapper(
                    F("amount_paid") - F("amount_due"),
                    output_field=DecimalField(max_digits=10, decimal_places=2),
                ),
                filter=Q(amount_paid__gt=F("amount_due")),
            ),
        )
        .order_by()
    }
    result = []
    for org in organizations:
        row = rows.get(org.pk)
        members = member_counts.get(org.pk, 0)
        if row is None and not members:
            continue
        result.append(
            OrgCollection(
                organization=org,
                members=members,
                recorded=row["recorded"] if row else 0,
                paid_in_full=row["paid_in_full"] if row else 0,
                due=(row["due"] if row else None) or ZERO,
                paid=(row["paid"] if row else None) or ZERO,
                voluntary=(row["voluntary"] if row else None) or ZERO,
            )
        )
    return result
