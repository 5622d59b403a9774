"""民主评议党员: writes (one result per member and year, its 处置) and the reads of the
pages, the dashboard and the party statistics.

A result belongs to the organisation the member belonged to in that year (the last day of
the year, or today for the running year), found from the member's accepted transfers
inside the county with the same rule as the roster of a past day (members.as_of). A 处置
is recorded, never carried out here: the member's status changes only on the roster.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.scope import PATH_STEP, can_edit_path

from ..as_of import path_on_day
from ..models import Appraisal, AppraisalResult, Member, Transfer, TransferKind, TransferState
from ..models.appraisals import ONE_PER_YEAR

#: the fields staff type; the member, the year and the organisation are the record's key
EDITABLE_FIELDS = ("result", "disposition", "disposition_on", "note")


# --- the organisation of a year ----------------------------------------------------------
def internal_moves(member_ids: Iterable[int]) -> dict[int, list[Transfer]]:
    """The accepted transfers inside the county of these members, by member (one query)."""
    moves: dict[int, list[Transfer]] = {}
    rows = Transfer.objects.filter(
        member_id__in=list(member_ids), kind=TransferKind.INTERNAL, state=TransferState.ACCEPTED
    ).select_related("from_organization")
    for transfer in rows:
        moves.setdefault(transfer.member_id, []).append(transfer)
    return moves


def organization_in_year(
    member: Member,
    year: int,
    *,
    moves: list[Transfer] | None = None,
    today: datetime.date | None = None,
) -> Organization:
    """The organisation `member` belonged to at the end of `year` (today, for the running
    year); `moves` are the member's accepted internal transfers (read when None)."""
    day = min(datetime.date(year, 12, 31), today or timezone.localdate())
    if moves is None:
        moves = internal_moves([member.pk]).get(member.pk, [])
    path = path_on_day(member, moves, day)
    if path == member.organization.path:
        return member.organization
    return next(t.from_organization for t in moves if t.from_organization.path == path)


# --- writes ------------------------------------------------------------------------------
def _save(appraisal: Appraisal, *, user: Any, reason: str) -> Appraisal:
    appraisal.full_clean()
    appraisal._history_user = user
    appraisal._change_reason = reason
    try:
        with transaction.atomic():
            appraisal.save()
    except IntegrityError:
        # A second entry of the same member and year committed after full_clean() looked.
        raise ValidationError({"year": [ONE_PER_YEAR]}) from None
    return appraisal


@transaction.atomic
def appraisal_create(
    *,
    user: Any,
    member: Member,
    year: int,
    result: str,
    disposition: str = "",
    disposition_on: datetime.date | None = None,
    note: str = "",
) -> Appraisal:
    """Record `member`'s result of `year`; staff of the organisation of that year only."""
    member = Member.objects.select_related("organization").get(pk=member.pk)
    organization = organization_in_year(member, year)
    if not can_edit_path(user, organization.path):
        raise PermissionDenied(_("该党员当年所在的党组织不在您可维护的范围内。"))
    appraisal = Appraisal(
        member=member,
        organization=organization,
        year=year,
        result=result,
        disposition=disposition or "",
        disposition_on=disposition_on,
        note=(note or "").strip(),
        recorded_by=user,
    )
    return _save(appraisal, user=user, reason=_("录入民主评议结果"))


@transaction.atomic
def appraisal_update(
    *,
    user: Any,
    appraisal: Appraisal,
    result: str,
    disposition: str = "",
    disposition_on: datetime.date | None = None,
    note: str = "",
) -> Appraisal:
    """Change a recorded result or its 处置 (the member and the year stay)."""
    appraisal = (
        Appraisal.objects.select_for_update(of=("self",))
        .select_related("organization", "member")
        .get(pk=appraisal.pk)
    )
    if not can_edit_path(user, appraisal.organization.path):
        raise PermissionDenied(_("该评议记录所属的党组织不在您可维护的范围内。"))
    before = appraisal.disposition
    appraisal.result = result
    appraisal.disposition = disposition or ""
    appraisal.disposition_on = disposition_on
    appraisal.note = (note or "").strip()
    reason = _("修改民主评议结果")
    if appraisal.disposition and appraisal.disposition != before:
        reason = _("登记处置：%(what)s") % {"what": appraisal.get_disposition_display()}
    return _save(appraisal, user=user, reason=reason)


# --- selectors ---------------------------------------------------------------------------
def empty_counts() -> dict[str, int]:
    return dict.fromkeys(AppraisalResult.values, 0)


def result_counts(queryset: Any) -> dict[str, int]:
    """Results of `queryset` (appraisals) counted by result, every result present."""
    counts = empty_counts()
    for result, n in queryset.order_by().values_list("result").annotate(n=Count("pk")):
        counts[result] = n
    return counts


def counts_by_path_prefix(org: Organization, year: int, length: int) -> dict[str, dict[str, int]]:
    """The results of `org`'s subtree in `year`, by the first `length` characters of the
    appraising organisation's tree path, then by result (one query). With `length` the
    path length of `org`'s children, each child's subtree is one key and the rows of `org`
    itself are under `org.path`; the party statistics' columns are such prefixes too."""
    prefix = Substr("organization__path", 1, length)
    rows = (
        Appraisal.objects.within(org)
        .filter(year=year)
        .order_by()
        .annotate(prefix=prefix)
        .values_list("prefix", "result")
        .annotate(n=Count("pk"))
    )
    found: dict[str, dict[str, int]] = {}
    for key, result, n in rows:
        found.setdefault(key, empty_counts())[result] = n
    return found


@dataclass(frozen=True)
class CountsRow:
    """One line of a results table: an organisation (None: the organisation's own
    members, "本级") and its subtree's results by result."""

    organization: Organization | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts[value] for value in AppraisalResult.values]


def counts_by_child(org: Organization, year: int) -> list[CountsRow]:
    """The results of `year` for each organisation directly under `org` (its subtree), then
    those of `org`'s own members if any (two queries)."""
    children = list(Organization.objects.children_of(org).order_by("path"))
    found = counts_by_path_prefix(org, year, len(org.path) + PATH_STEP)
    rows = [CountsRow(child, found.get(child.path, empty_counts())) for child in children]
    own = found.get(org.path)
    if own:
        rows.append(CountsRow(None, own))
    return rows


@dataclass(frozen=True)
class YearCounts:
    """The results of one year in a subtree: a line per organisation below, and totals."""

    year: int
    rows: list[CountsRow]

    def totals(self) -> list[int]:
        return [sum(row.counts[value] for row in self.rows) for value in AppraisalResult.values]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def year_counts(org: Organization, year: int) -> YearCounts:
    return YearCounts(year, counts_by_child(org, year))


def latest_year_counts(org: Organization, up_to: int) -> YearCounts | None:
    """The counts of the last year up to `up_to` with results in `org`'s subtree (the
    dashboard's card); None when there are none (one query then)."""
    year = latest_year(org, up_to)
    return None if year is None else year_counts(org, year)


def latest_year(org: Organization, up_to: int) -> int | None:
    """The last year up to `up_to` with results in `org`'s subtree."""
    return (
        Appraisal.objects.within(org)
        .filter(year__lte=up_to)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def member_appraisals(member: Member) -> list[Appraisal]:
    """The member's results, latest year first, wherever they were appraised."""
    return list(member.appraisals.select_related("organization").order_by("-year"))
