"""The health rules read from the roster (党员名册): members held directly by an
organisation that is not a branch, and 预备党员 past their probation without 转正.

Both look at the members of the day asked about, as the member counts of health.rules
do: today's roster, or for a past day the members of that day from their dated facts.
One query each, whatever the subtree's size (the probation rule one more for the
development rules)."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, IntegerField, Q, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import add_months
from members.choices import Category
from members.models import DevelopmentCase, RuleKey
from members.selectors import subtree_members
from members.services.pipeline import probation_due_on
from members.services.pipeline import rules as development_rules
from orgs.choices import OrgKind
from orgs.models import Organization

from .findings import MEMBERS_OUTSIDE_BRANCH, PROBATION_OVERDUE, WARNING, Finding, finding
from .warnings import NAMES_SHOWN, names_text

# Every member belongs to a 党支部 (or 联合/临时党支部); these kinds hold branches, not
# members (党章 第八条).
OUTSIDE_BRANCH_KINDS = (
    OrgKind.PARTY_COMMITTEE,
    OrgKind.WORKING_COMMITTEE,
    OrgKind.GENERAL_BRANCH,
)
# Month ends differ in length: widen the database cut-off and decide exactly in Python.
CUTOFF_SLACK = datetime.timedelta(days=4)


def past_day(today: datetime.date) -> datetime.date | None:
    """The day whose dated facts count (a day before today), or None: today's roster."""
    return today if today < timezone.localdate() else None


def outside_branch_findings(
    org: Organization, orgs: list[Organization], today: datetime.date
) -> list[Finding]:
    """One finding per 党委, 党工委 or 党总支 that holds members directly, with how many and
    the first names in name order (one query: the names are cut in the database)."""
    holders = {o.id: o for o in orgs if o.kind in OUTSIDE_BRANCH_KINDS}
    if not holders:
        return []
    by_org = F("organization_id")
    rows = (
        subtree_members(org, as_of=past_day(today))
        .filter(organization__kind__in=OUTSIDE_BRANCH_KINDS)
        .annotate(
            place=Window(RowNumber(), partition_by=[by_org], order_by=[F("name"), F("pk")]),
            total=Window(Count("id"), partition_by=[by_org]),
        )
        .filter(place__lte=NAMES_SHOWN)
        .order_by()
        .values_list("organization_id", "name", "total", "place")
    )
    named: dict[int, tuple[int, list[tuple[int, str]]]] = {}
    for org_id, name, total, place in rows:
        named.setdefault(org_id, (total, []))[1].append((place, name))
    findings = []
    for org_id, (total, places) in named.items():
        names = [name for _place, name in sorted(places)]
        findings.append(
            finding(
                holders[org_id],
                MEMBERS_OUTSIDE_BRANCH,
                WARNING,
                _(
                    "%(n)d 名党员直接隶属本组织、未编入党支部：%(names)s。"
                    "每名党员都应编入一个党支部，请编入所属党支部（机关党员编入机关党支部）。"
                )
                % {"n": total, "names": names_text(names, total)},
            )
        )
    return findings


def probation_findings(org: Organization, today: datetime.date) -> list[Finding]:
    """预备党员 whose probation (the configured months plus any extension recorded on their
    development case) ended before `today` and who are not yet 正式党员: members imported
    as 预备党员 without a case included. On the day it ends the branch may still confirm
    them, as the pipeline allows; from the next day they are overdue."""
    figures = development_rules()
    months = figures[RuleKey.PROBATION_MONTHS]
    as_of = past_day(today)
    members = subtree_members(org, as_of=as_of)
    if as_of is None:
        members = members.filter(category=Category.PROBATIONARY)
    else:
        members = members.filter(Q(confirmed_on__isnull=True) | Q(confirmed_on__gt=as_of))
    # An extension only moves the end later: the cut-off without it finds every candidate.
    cutoff = add_months(today, -months) + CUTOFF_SLACK
    rows = (
        members.filter(joined_on__lte=cutoff)
        .annotate(
            extension=Coalesce(
                "development_case__probation_extended_months", 0, output_field=IntegerField()
            )
        )
        .select_related("organization")
        .only(
            "name",
            "joined_on",
            "organization__id",
            "organization__path",
            "organization__code",
            "organization__name",
        )
        .order_by("organization__path", "joined_on", "name", "pk")
    )
    by_org: dict[int, tuple[Organization, list[str]]] = {}
    for member in rows:
        # The pipeline's own reckoning of the end, for members with or without a case.
        probation = DevelopmentCase(
            admitted_on=member.joined_on, probation_extended_months=member.extension
        )
        due = probation_due_on(probation, figures)
        if due is None or due >= today:
            continue
        label = _("%(name)s（%(day)s 期满）") % {"name": member.name, "day": due.isoformat()}
        by_org.setdefault(member.organization_id, (member.organization, []))[1].append(label)
    return [
        finding(
            o,
            PROBATION_OVERDUE,
            WARNING,
            _(
                "%(n)d 名预备党员预备期已满仍未转正：%(names)s。"
                "请及时召开支部大会讨论其转正（需要继续考察的，可延长预备期，最长一年）。"
            )
            % {"n": len(names), "names": names_text(names)},
        )
        for o, names in by_org.values()
    ]
