"""Village collective-economy figures: one place, a constant number of queries.

The economy page, the dashboard and the bulletin call these, so their numbers agree.

- A *village* here is a rural (农村) organisation of the 村级 level that is not itself
  under another 村级 organisation: the branches of a 村党总支 are not villages of their
  own. Those are the organisations expected to report a yearly record; a record of any
  other 村级 organisation (e.g. a community) still counts where records are counted.
- 空壳村: total income at or below ECONOMY_WEAK_THRESHOLD_WAN (default 0, i.e. none).
- Strong villages: total income *over* ECONOMY_STRONG_THRESHOLD_WAN (default 5 万元), so
  exactly 5.00 is not counted and 5.01 is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr

from core.numbers import rate
from orgs.choices import OrgDomain, OrgLevel
from orgs.models import Organization
from orgs.scope import PATH_STEP

from ..models import EconomyRecord
from ..models.economy import EconomyRecordQuerySet

ZERO = Decimal("0")
CENT = Decimal("0.01")
AMOUNT = DecimalField(max_digits=14, decimal_places=2)

BAND_WEAK = "weak"
BAND_NORMAL = "normal"
BAND_STRONG = "strong"

DEFAULT_SORT = "org"
SORTS: dict[str, tuple] = {
    "org": ("organization__path",),
    "-org": ("-organization__path",),
    "income": ("total_income", "organization__path"),
    "-income": ("-total_income", "organization__path"),
    "change": (F("change").asc(nulls_first=True), "organization__path"),
    "-change": (F("change").desc(nulls_last=True), "organization__path"),
}


def wan(value) -> Decimal:
    """An amount in 万元 to the cent: SQLite sums decimals as floats (71.0200000000000)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Thresholds:
    weak: Decimal
    strong: Decimal


def thresholds() -> Thresholds:
    """The configured bands in 万元 (settings; str() keeps a float setting exact)."""
    return Thresholds(
        weak=Decimal(str(settings.ECONOMY_WEAK_THRESHOLD_WAN)),
        strong=Decimal(str(settings.ECONOMY_STRONG_THRESHOLD_WAN)),
    )


def reporting_villages(org: Organization) -> QuerySet[Organization]:
    """The villages of `org`'s subtree expected to report (see the module docstring)."""
    village_parent = Organization.objects.filter(
        level=OrgLevel.VILLAGE,
        path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * PATH_STEP),
    )
    return (
        Organization.objects.within(org)
        .filter(level=OrgLevel.VILLAGE, domain=OrgDomain.RURAL)
        .annotate(under_village=Exists(village_parent))
        .filter(under_village=False)
    )


def records_in(*, org: Organization, year: int) -> EconomyRecordQuerySet:
    return EconomyRecord.objects.within(org).filter(year=year)


def _has_record(year: int) -> Exists:
    return Exists(EconomyRecord.objects.filter(organization=OuterRef("pk"), year=year))


def missing_villages(*, org: Organization, year: int) -> QuerySet[Organization]:
    """Villages of the subtree without a record for `year`, in tree order."""
    return (
        reporting_villages(org)
        .annotate(has_record=_has_record(year))
        .filter(has_record=False)
        .order_by("path")
    )


@dataclass(frozen=True)
class EconomyFigures:
    year: int
    thresholds: Thresholds
    villages: int  # expected to report
    missing: int  # of those, without a record for the year
    records: int  # records of the year in the subtree
    weak: int  # 空壳村
    strong: int  # over the strong threshold
    total: Decimal
    operating: Decimal
    previous_records: int
    previous_total: Decimal

    @property
    def normal(self) -> int:
        return self.records - self.weak - self.strong

    @property
    def change(self) -> Decimal | None:
        """Total income against the year before (None when that year has no records)."""
        if not self.previous_records:
            return None
        return self.total - self.previous_total

    @property
    def change_size(self) -> Decimal | None:
        """The change without its sign, for sentences that say "increase"/"decrease"."""
        return None if self.change is None else abs(self.change)

    @property
    def change_rate(self) -> Decimal | None:
        """The change as a percentage of the year before (None without a year before)."""
        return None if self.change is None else rate(self.change, self.previous_total)


def economy_figures(*, org: Organization, year: int) -> EconomyFigures:
    """Counts and totals of `org`'s subtree for `year`, with the year before (2 queries)."""
    bands = thresholds()
    this_year, last_year = Q(year=year), Q(year=year - 1)
    row = (
        EconomyRecord.objects.within(org)
        .filter(year__in=(year, year - 1))
        .order_by()
        .aggregate(
            records=Count("pk", filter=this_year),
            weak=Count("pk", filter=this_year & Q(total_income__lte=bands.weak)),
            strong=Count("pk", filter=this_year & Q(total_income__gt=bands.strong)),
            total=Sum("total_income", filter=this_year, default=ZERO),
            operating=Sum("operating_income", filter=this_year, default=ZERO),
            previous_records=Count("pk", filter=last_year),
            previous_total=Sum("total_income", filter=last_year, default=ZERO),
        )
    )
    villages = (
        reporting_villages(org)
        .order_by()
        .aggregate(villages=Count("pk"), missing=Count("pk", filter=~_has_record(year)))
    )
    return EconomyFigures(
        year=year,
        thresholds=bands,
        villages=villages["villages"],
        missing=villages["missing"],
        records=row["records"],
        weak=row["weak"],
        strong=row["strong"],
        total=wan(row["total"]),
        operating=wan(row["operating"]),
        previous_records=row["previous_records"],
        previous_total=wan(row["previous_total"]),
    )


def economy_rows(
    *, org: Organization, year: int, sort: str = DEFAULT_SORT
) -> EconomyRecordQuerySet:
    """The year's records of the subtree with each village's income the year before, the
    change and the band (one query per page)."""
    bands = thresholds()
    previous = EconomyRecord.objects.filter(
        organization=OuterRef("organization"), year=year - 1
    ).values("total_income")[:1]
    return (
        records_in(org=org, year=year)
        .select_related("organization")
        .annotate(
            previous_income=Subquery(previous, output_field=AMOUNT),
            change=ExpressionWrapper(F("total_income") - F("previous_income"), AMOUNT),
            band=Case(
                When(total_income__lte=bands.weak, then=Value(BAND_WEAK)),
                When(total_income__gt=bands.strong, then=Value(BAND_STRONG)),
                default=Value(BAND_NORMAL),
                output_field=CharField(),
            ),
        )
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    )


def economy_years(org: Organization) -> list[int]:
    """Years with records in the subtree, newest first (one query), for the year filter."""
    return list(
        EconomyRecord.objects.within(org)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
