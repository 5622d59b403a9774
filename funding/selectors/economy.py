"""Village collective-economy figures: one place, a constant number of queries.

The economy page, the dashboard and the bulletin call these, so their numbers agree.

- The organisations expected to report a yearly record are the 村级 organisations, village
  and community alike, whose parent is not itself 村级 (the branches of a 村党总支 are not
  villages of their own); the import and the admin accept records of those only, and
  "已填报 N / 应填报 M" counts both sides by that one rule.
- Each record is judged on one income, ECONOMY_JUDGED_INCOME: 经营性收入 by default (a
  village living on transfers alone is a 空壳村), or 集体经济总收入. A record without the
  judged income (经营性收入 is optional) is counted apart, as not judged.
- 空壳村: the judged income at or below ECONOMY_WEAK_THRESHOLD_WAN (default 0, i.e. none).
- "5 万元以上": the judged income at or above ECONOMY_STRONG_THRESHOLD_WAN (default 5 万元):
  in Chinese regulations 以上 includes the number, so exactly 5.00 counts and 4.99 does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
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
from django.utils.translation import gettext as _

from core.numbers import rate
from orgs.choices import OrgLevel
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
BAND_UNJUDGED = "unjudged"

#: ECONOMY_JUDGED_INCOME → (the record's field, its name on the pages)
JUDGED_INCOMES: dict[str, tuple[str, str]] = {
    "operating": ("operating_income", "经营性收入"),
    "total": ("total_income", "集体经济总收入"),
}

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
    #: the record's field the bands judge, and its name on the pages
    income: str = "operating_income"
    income_label: str = "经营性收入"

    def weak_q(self) -> Q:
        return Q(**{f"{self.income}__lte": self.weak})

    def strong_q(self) -> Q:
        # Above the weak band too, should the two thresholds be set to overlap.
        return Q(**{f"{self.income}__gte": self.strong}) & ~self.weak_q()

    def unjudged_q(self) -> Q:
        return Q(**{f"{self.income}__isnull": True})


def thresholds() -> Thresholds:
    """The configured bands in 万元 and the income they judge (settings; str() keeps a
    float setting exact)."""
    try:
        income, label = JUDGED_INCOMES[settings.ECONOMY_JUDGED_INCOME]
    except KeyError:
        raise ImproperlyConfigured(
            f"ECONOMY_JUDGED_INCOME must be one of {sorted(JUDGED_INCOMES)}, "
            f"not {settings.ECONOMY_JUDGED_INCOME!r}."
        ) from None
    return Thresholds(
        weak=Decimal(str(settings.ECONOMY_WEAK_THRESHOLD_WAN)),
        strong=Decimal(str(settings.ECONOMY_STRONG_THRESHOLD_WAN)),
        income=income,
        income_label=label,
    )


def _parent_is_a_village() -> Exists:
    return Exists(
        Organization.objects.filter(
            level=OrgLevel.VILLAGE,
            path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * PATH_STEP),
        )
    )


def only_reporting_villages(organizations: QuerySet[Organization]) -> QuerySet[Organization]:
    """Those of `organizations` expected to report (see the module docstring)."""
    return (
        organizations.filter(level=OrgLevel.VILLAGE)
        .annotate(under_village=_parent_is_a_village())
        .filter(under_village=False)
    )


def reporting_villages(org: Organization) -> QuerySet[Organization]:
    """The villages and communities of `org`'s subtree expected to report."""
    return only_reporting_villages(Organization.objects.within(org))


def reporting_village_errors(org: Organization) -> list[str]:
    """Why `org` may not hold a collective-economy record, by the rule of
    `reporting_villages` ([] when it may; at most one query), for the import and the admin."""
    if org.level != OrgLevel.VILLAGE:
        return [_("“%(code)s”不是村级组织（集体经济只登记村级组织）。") % {"code": org.code}]
    parent = (
        Organization.objects.filter(
            level=OrgLevel.VILLAGE, path=org.path[: (org.depth - 1) * PATH_STEP]
        ).first()
        if org.depth > 1
        else None
    )
    if parent is not None:
        return [
            _(
                "“%(code)s”隶属于村级组织“%(name)s”（%(parent)s），集体经济请登记在“%(parent)s”名下。"
            )
            % {"code": org.code, "name": parent.name, "parent": parent.code}
        ]
    return []


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
    villages: int  # expected to report (应填报 M)
    reported: int  # of those, with a record for the year (已填报 N)
    records: int  # records of the year in the subtree
    weak: int  # 空壳村
    strong: int  # at or above the strong threshold (5 万元以上)
    unjudged: int  # without the judged income
    total: Decimal
    operating: Decimal
    previous_records: int
    previous_total: Decimal

    @property
    def missing(self) -> int:
        """Expected to report and without a record for the year."""
        return self.villages - self.reported

    @property
    def normal(self) -> int:
        return self.records - self.weak - self.strong - self.unjudged

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
            weak=Count("pk", filter=this_year & bands.weak_q()),
            strong=Count("pk", filter=this_year & bands.strong_q()),
            unjudged=Count("pk", filter=this_year & bands.unjudged_q()),
            total=Sum("total_income", filter=this_year, default=ZERO),
            operating=Sum("operating_income", filter=this_year, default=ZERO),
            previous_records=Count("pk", filter=last_year),
            previous_total=Sum("total_income", filter=last_year, default=ZERO),
        )
    )
    villages = (
        reporting_villages(org)
        .order_by()
        .aggregate(villages=Count("pk"), reported=Count("pk", filter=_has_record(year)))
    )
    return EconomyFigures(
        year=year,
        thresholds=bands,
        villages=villages["villages"],
        reported=villages["reported"],
        records=row["records"],
        weak=row["weak"],
        strong=row["strong"],
        unjudged=row["unjudged"],
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
                When(bands.unjudged_q(), then=Value(BAND_UNJUDGED)),
                When(bands.weak_q(), then=Value(BAND_WEAK)),
                When(bands.strong_q(), then=Value(BAND_STRONG)),
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
