"""Reading the people around the teams for the pages: 书记 candidates and their 资格联审,
the 后备干部 pool, 选派干部, village cadres' pay and the standard it is held against.

Each page first finds its organisation through the scoping API (a 404 outside the
user's scope); the lists of a whole subtree start from `visible_to(user)`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.utils.translation import gettext_lazy

from core.history import HISTORY_LIMIT, HistoryEntry, display_value, history_entries
from members.history import mask_personal_value
from members.identity import InvalidIdNumber, age_on, birth_date_from_id, validate_id_number
from members.permissions import can_view_full_personal_data
from orgs.choices import LEVEL_RANK, OrgLevel
from orgs.models import Organization
from orgs.scope import ancestor_paths, subtree_q
from orgs.selectors import scope_tops

from .choices import REQUIRED_VETTING_BODIES, Position, VettingBody
from .models import CadrePay, Candidate, PayStandard, Posting, ReserveCadre, VettingCheck

# --- shared ------------------------------------------------------------------------------


def person_q(text: str, *, unmasked: bool) -> Q:
    """A search box's text: a whole ID number for those allowed to see numbers (the
    number is stored encrypted: only a whole one can be matched), else part of a name."""
    text = text.strip()
    if unmasked:
        try:
            return Q(id_number=validate_id_number(text))
        except InvalidIdNumber:
            pass
    return Q(name__icontains=text)


def person_history(
    history: Any, *, user: Any, limit: int = HISTORY_LIMIT
) -> tuple[list[HistoryEntry], bool]:
    """The history records of a team record (`record.history`, or a queryset of them) as
    its page shows them: ID numbers masked unless the reader may see them; the link to the
    roster and the organisation or candidate (fixed by the page) left out."""
    unmasked = can_view_full_personal_data(user)
    model = history.model.instance_type

    def display(name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if name == "id_number":
            return mask_personal_value(name, value, unmasked=unmasked)
        return display_value(model, name, value)

    return history_entries(
        history,
        limit=limit,
        display=display,
        excluded_fields=("member", "organization", "candidate"),
    )


# --- candidates and their review ---------------------------------------------------------

VETTING_STATE_LABELS = {
    "pending": gettext_lazy("联审中"),
    "failed": gettext_lazy("联审未通过"),
    "passed": gettext_lazy("联审通过"),
}


@dataclass(frozen=True)
class CheckCell:
    body: str
    label: str
    check: VettingCheck | None

    @property
    def required(self) -> bool:
        """The review waits for this body (其他 is heard when there is something to say)."""
        return self.body in REQUIRED_VETTING_BODIES


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    cells: list[CheckCell]
    state: str

    @property
    def state_label(self) -> str:
        return str(VETTING_STATE_LABELS[self.state])

    @property
    def may_file(self) -> bool:
        return self.state == "passed" and self.candidate.filed_on is None


def candidate_row(candidate: Candidate) -> CandidateRow:
    """`candidate` with its results by body, in the bodies' order (its checks should be
    prefetched)."""
    checks = list(candidate.checks.all())
    by_body = {c.body: c for c in checks}
    cells = [CheckCell(body, str(label), by_body.get(body)) for body, label in VettingBody.choices]
    return CandidateRow(candidate, cells, candidate.vetting_state(checks))


def candidate_rows(candidates: Iterable[Candidate]) -> list[CandidateRow]:
    return [candidate_row(c) for c in candidates]


def candidates_of(org: Organization) -> list[CandidateRow]:
    """The organisation's candidates by post (书记 first), the latest proposed first (two
    queries)."""
    order = {value: index for index, value in enumerate(Position.values)}
    candidates = sorted(
        Candidate.objects.filter(organization=org)
        .prefetch_related("checks")
        .order_by("-proposed_on", "pk"),
        key=lambda c: order.get(c.position, len(order)),
    )
    return candidate_rows(candidates)


def _check_exists(**lookup: Any) -> Exists:
    return Exists(VettingCheck.objects.filter(candidate=OuterRef("pk"), **lookup))


def _review_passed() -> Q:
    condition = ~Q(_check_exists(passed=False))
    for body in REQUIRED_VETTING_BODIES:
        condition &= Q(_check_exists(body=body, passed=True))
    return condition


#: the states the subtree's list filters by: the review's, and the county's filing
CANDIDATE_STATE_LABELS = {
    "unfiled": gettext_lazy("未备案（全部）"),
    "pending": gettext_lazy("联审中"),
    "failed": gettext_lazy("联审未通过"),
    "passed": gettext_lazy("联审通过，待备案"),
    "filed": gettext_lazy("已县级备案"),
}


def candidate_state_q(state: str) -> Q:
    """The candidates in `state` (a key of CANDIDATE_STATE_LABELS), as a condition of the
    database: the list pages through them like any other filter."""
    failed = Q(_check_exists(passed=False))
    if state == "unfiled":
        return Q(filed_on__isnull=True)
    if state == "pending":
        return ~failed & ~_review_passed()
    if state == "failed":
        return failed
    if state == "passed":
        return _review_passed() & Q(filed_on__isnull=True)
    if state == "filed":
        return Q(filed_on__isnull=False)
    return Q()


def filter_candidates(
    queryset: QuerySet[Candidate],
    *,
    org: Organization | None = None,
    q: str = "",
    state: str = "",
    position: str = "",
    unmasked: bool = False,
) -> QuerySet[Candidate]:
    """`queryset` (already scoped to the user) narrowed by the list's filters, in tree
    order, with what the rows show loaded (three queries a page)."""
    if org is not None:
        queryset = queryset.within(org)
    if q:
        queryset = queryset.filter(person_q(q, unmasked=unmasked))
    if state:
        queryset = queryset.filter(candidate_state_q(state))
    if position:
        queryset = queryset.filter(position=position)
    post_order = Case(
        *(When(position=value, then=index) for index, value in enumerate(Position.values)),
        default=len(Position.values),
    )
    return (
        queryset.select_related("organization")
        .prefetch_related("checks")
        .order_by("organization__path", post_order, "-proposed_on", "pk")
    )


# --- reserves ----------------------------------------------------------------------------


def age_from_id(id_number: str, day: datetime.date) -> int | None:
    """Whole years on `day` of the person the ID number names (None without a number)."""
    try:
        return age_on(birth_date_from_id(id_number), day) if id_number else None
    except (ValueError, IndexError):
        return None


@dataclass(frozen=True)
class ReserveRow:
    reserve: ReserveCadre
    age: int | None


def reserves_of(org: Organization, *, today: datetime.date) -> list[ReserveRow]:
    """The organisation's pool, those still in it first (one query)."""
    rows = ReserveCadre.objects.filter(organization=org).order_by("status", "added_on", "pk")
    return [ReserveRow(r, age_from_id(r.id_number, today)) for r in rows]


# --- postings ----------------------------------------------------------------------------

POSTING_STATUS_LABELS = {
    "serving": gettext_lazy("在岗"),
    "ended": gettext_lazy("已结束"),
    "upcoming": gettext_lazy("未到岗"),
}


def posting_status(posting: Posting, today: datetime.date) -> str:
    if posting.started_on > today:
        return "upcoming"
    if posting.ended_on is not None and posting.ended_on <= today:
        return "ended"
    return "serving"


@dataclass(frozen=True)
class PostingRow:
    posting: Posting
    status: str

    @property
    def status_label(self) -> str:
        return str(POSTING_STATUS_LABELS[self.status])


def posting_rows(postings: Iterable[Posting], *, today: datetime.date) -> list[PostingRow]:
    return [PostingRow(p, posting_status(p, today)) for p in postings]


def postings_of(org: Organization, *, today: datetime.date) -> list[PostingRow]:
    """The organisation's postings, by kind, the latest first (one query)."""
    postings = Posting.objects.filter(organization=org).order_by("kind", "-started_on", "pk")
    return posting_rows(postings, today=today)


def filter_postings(
    queryset: QuerySet[Posting],
    *,
    today: datetime.date,
    org: Organization | None = None,
    q: str = "",
    kind: str = "",
    status: str = "",
    unmasked: bool = False,
) -> QuerySet[Posting]:
    """`queryset` (already scoped to the user) narrowed by the list's filters, in tree
    order."""
    if org is not None:
        queryset = queryset.within(org)
    if q:
        queryset = queryset.filter(person_q(q, unmasked=unmasked))
    if kind:
        queryset = queryset.filter(kind=kind)
    if status == "serving":
        queryset = queryset.serving_on(today)
    elif status == "ended":
        queryset = queryset.filter(ended_on__lte=today)
    elif status == "upcoming":
        queryset = queryset.filter(started_on__gt=today)
    return queryset.select_related("organization").order_by(
        "organization__path", "kind", "-started_on", "pk"
    )


# --- pay ---------------------------------------------------------------------------------


def standards_for(org: Organization, years: Iterable[int]) -> dict[tuple[str, int], PayStandard]:
    """The pay standards of `years` set by `org`, anything under it or any organisation
    above it, by (setter's path, year) (one query): what `nearest_standard` picks from,
    for one village or for a whole subtree."""
    rows = (
        PayStandard.objects.filter(year__in=set(years))
        .filter(
            subtree_q(org, prefix="organization__")
            | Q(organization__path__in=ancestor_paths(org.path, include_self=False))
        )
        .select_related("organization")
    )
    return {(row.organization.path, row.year): row for row in rows}


def nearest_standard(
    standards: Mapping[tuple[str, int], PayStandard], path: str, year: int
) -> PayStandard | None:
    """The standard of `year` of the organisation at `path` or the nearest one above it."""
    for above in reversed(ancestor_paths(path)):
        standard = standards.get((above, year))
        if standard is not None:
            return standard
    return None


def applicable_standard(org: Organization, year: int) -> PayStandard | None:
    """The standard of `year` set by the nearest organisation at or above `org`."""
    return nearest_standard(standards_for(org, [year]), org.path, year)


@dataclass(frozen=True)
class PayRow:
    pay: CadrePay
    below_standard: bool


def pay_rows(org: Organization, year: int, standard: PayStandard | None) -> list[PayRow]:
    """The organisation's cadres paid in `year`, by name, each compared with the
    standard (one query)."""
    rows = CadrePay.objects.filter(organization=org, year=year).order_by("name", "pk")
    minimum = standard.minimum_total if standard else None
    return [PayRow(p, minimum is not None and p.total < minimum) for p in rows]


def pay_years(org: Organization, *, include: Iterable[int]) -> list[int]:
    """The years with pay recorded for the organisation, and `include`, latest first."""
    years = set(CadrePay.objects.filter(organization=org).values_list("year", flat=True))
    return sorted(years | set(include), reverse=True)


def standards_visible(user: Any) -> QuerySet[PayStandard]:
    """The standards set inside the user's scope, the latest year first."""
    return (
        PayStandard.objects.visible_to(user)
        .select_related("organization")
        .order_by("-year", "organization__path")
    )


def standards_above(user: Any) -> list[PayStandard]:
    """The standards set above the user's scope, which apply to its villages too (read
    only here: the organisation above keeps them)."""
    paths = {
        path for top in scope_tops(user) for path in ancestor_paths(top.path, include_self=False)
    }
    if not paths:
        return []
    return list(
        PayStandard.objects.filter(organization__path__in=paths)
        .select_related("organization")
        .order_by("-year", "organization__path")
    )


#: the levels that set pay standards: above the villages (a city, a county, a township)
STANDARD_LEVELS = tuple(
    level for level, rank in LEVEL_RANK.items() if rank < LEVEL_RANK[OrgLevel.VILLAGE]
)


def sets_standards(organization: Organization) -> bool:
    return organization.level in STANDARD_LEVELS


def standard_organizations(user: Any) -> QuerySet[Organization]:
    """The organisations the user may set a standard for."""
    return Organization.objects.editable_by(user).filter(level__in=STANDARD_LEVELS).order_by("path")
