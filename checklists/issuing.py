"""Issuing the quarter's responsibility lists: one function behind the command, the staff
button (through a Celery task) and the Celery beat job.

For every organisation of the subtree at a level that has a template, one list for the
quarter, addressed to its secretary, with a snapshot of the template's items. Running it
again creates nothing new; organisations created since get theirs, and lists issued before
their organisation had a secretary account are addressed to the secretary it has now.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Assignment
from core.periods import Quarter
from orgs.choices import OrgLevel
from orgs.models import Organization
from orgs.roles import Role
from orgs.selectors import scope_tops

from .choices import ChecklistLevel, ListStatus, RectificationStatus
from .models import ChecklistItem, ChecklistTemplate, ResponsibilityList, TemplateItem
from .template_choice import choose_templates

LEVEL_OF_ORG = {
    OrgLevel.TOWNSHIP: ChecklistLevel.TOWNSHIP,
    OrgLevel.VILLAGE: ChecklistLevel.VILLAGE,
    OrgLevel.OTHER: ChecklistLevel.OTHER,
}


def deadline_for(quarter: Quarter) -> datetime.date:
    """Reports are due a few days after the quarter ends (CHECKLIST_DEADLINE_DAYS)."""
    return quarter.last_day + datetime.timedelta(days=settings.CHECKLIST_DEADLINE_DAYS)


def due_on_for(quarter: Quarter, due_in_days: int | None) -> datetime.date | None:
    """An item's due date: `due_in_days` counted from the quarter's first day, never past
    its last day (92 days run past the end of a 90-day quarter)."""
    if not due_in_days:
        return None
    return min(quarter.first_day + datetime.timedelta(days=due_in_days - 1), quarter.last_day)


# --- secretaries ---------------------------------------------------------------------------


def _secretaries(org_ids: Iterable[int]) -> dict[int, list[Any]]:
    """The active secretary accounts of each organisation (held on the organisation
    itself), by username: the first is the one a new list is addressed to."""
    found: dict[int, list[Any]] = {}
    for assignment in (
        Assignment.objects.filter(role=Role.SECRETARY, organization_id__in=list(org_ids))
        .select_related("user")
        .order_by("organization_id", "user__username")
    ):
        if assignment.user.is_active:
            found.setdefault(assignment.organization_id, []).append(assignment.user)
    return found


def live_lists(*, today: datetime.date, lookback_days: int = 7) -> QuerySet[ResponsibilityList]:
    """Lists that still reach their secretary: not yet approved, approved in the last
    `lookback_days`, or with a rectification not closed. An older approved list keeps the
    secretary it was addressed to (its record)."""
    return ResponsibilityList.objects.filter(
        Q(status__in=(ListStatus.DRAFT, ListStatus.SUBMITTED, ListStatus.RETURNED))
        | Q(reviewed_at__date__gte=today - datetime.timedelta(days=lookback_days))
        | Q(
            pk__in=ChecklistItem.objects.filter(
                rectification__status__in=(RectificationStatus.OPEN, RectificationStatus.REPORTED)
            ).values("checklist_id")
        )
    )


def refresh_secretaries(
    *, lists: QuerySet[ResponsibilityList], user: Any = None
) -> list[ResponsibilityList]:
    """Address each of `lists` to its organisation's secretary as it is now: a list issued
    before the organisation had a secretary account gets it, a list whose secretary left
    (assignment removed, account disabled) goes to the new one, or to nobody. A list whose
    secretary is still one of the organisation's keeps them. History with `user`. Returns
    the lists changed; two queries plus the update."""
    rows = list(lists)
    secretaries = _secretaries({row.organization_id for row in rows})
    changed = []
    for row in rows:
        accounts = secretaries.get(row.organization_id, [])
        if row.secretary_id in {account.pk for account in accounts}:
            continue
        new = accounts[0] if accounts else None
        if row.secretary_id == (new.pk if new else None):
            continue
        row.secretary = new
        changed.append(row)
    if changed:
        bulk_update_with_history(
            changed,
            ResponsibilityList,
            ["secretary"],
            default_user=user,
            default_change_reason=_("按现任书记账号更新收件人"),
        )
    return changed


# --- issuing -------------------------------------------------------------------------------


@dataclass
class IssueResult:
    quarter: Quarter
    created: list[ResponsibilityList] = field(default_factory=list)
    existing: int = 0
    without_secretary: list[Organization] = field(default_factory=list)
    #: levels none of whose templates totals 100 points: nothing was issued at them
    invalid_templates: list[ChecklistTemplate] = field(default_factory=list)
    #: lists already issued that were now addressed to the organisation's secretary
    readdressed: int = 0


def issue_checklists(
    *, quarter: Quarter, org: Organization | None = None, user: Any = None
) -> IssueResult:
    """Issue `quarter`'s lists for `org`'s subtree (everything when None), as `user`."""
    result = IssueResult(quarter=quarter)
    choice = choose_templates(quarter.year)
    templates = choice.current
    result.invalid_templates = list(choice.invalid)
    levels = [org_level for org_level, level in LEVEL_OF_ORG.items() if level in templates]
    organizations = Organization.objects.filter(level__in=levels)
    if org is not None:
        organizations = organizations.within(org)
    organizations = list(organizations.order_by("path"))
    existing = ResponsibilityList.objects.filter(
        year=quarter.year, quarter=quarter.number, organization__in=organizations
    )
    issued = set(existing.values_list("organization_id", flat=True))
    result.readdressed = len(
        refresh_secretaries(
            lists=existing.filter(pk__in=live_lists(today=timezone.localdate()).values("pk")),
            user=user,
        )
    )
    secretaries = _secretaries(o.pk for o in organizations)
    items_by_template = {
        template.pk: list(template.items.order_by("position")) for template in templates.values()
    }
    for organization in organizations:
        accounts = secretaries.get(organization.pk)
        secretary = accounts[0] if accounts else None
        if secretary is None:
            result.without_secretary.append(organization)
        if organization.pk in issued:
            result.existing += 1
            continue
        template = templates[LEVEL_OF_ORG[organization.level]]
        checklist = _issue_one(
            organization=organization,
            template=template,
            template_items=items_by_template[template.pk],
            quarter=quarter,
            secretary=secretary,
            user=user,
        )
        if checklist is None:
            result.existing += 1  # issued meanwhile by a concurrent run
        else:
            result.created.append(checklist)
    return result


def _issue_one(
    *,
    organization: Organization,
    template: ChecklistTemplate,
    template_items: Sequence[TemplateItem],
    quarter: Quarter,
    secretary: Any,
    user: Any,
) -> ResponsibilityList | None:
    """One list with its items' snapshot; None when a concurrent run issued it first."""
    try:
        with transaction.atomic():
            checklist = ResponsibilityList(
                organization=organization,
                year=quarter.year,
                quarter=quarter.number,
                template=template,
                secretary=secretary,
                deadline=deadline_for(quarter),
            )
            checklist._history_user = user
            checklist._change_reason = _("下发 %(quarter)s 责任清单") % {"quarter": quarter}
            checklist.save()
            bulk_create_with_history(
                [
                    ChecklistItem(
                        checklist=checklist,
                        position=item.position,
                        category=item.category,
                        content=item.content,
                        requirement=item.requirement,
                        points=item.points,
                        evidence_expected=item.evidence_expected,
                        due_on=due_on_for(quarter, item.due_in_days),
                        indicator=item.indicator,
                        indicator_target=item.indicator_target,
                    )
                    for item in template_items
                ],
                ChecklistItem,
                default_user=user,
                default_change_reason=_("下发"),
            )
    except IntegrityError:
        return None
    return checklist


def issuing_tops(user: Any) -> list[Organization | None]:
    """Where `user` issues lists: the tops of their staff subtrees, in tree order; [None]
    (`issue_checklists(org=None)`, the whole portal) for a superuser; [] for anyone who
    is not staff."""
    if user.is_active and user.is_superuser:
        return [None]
    return scope_tops(user, roles=(Role.STAFF,))


def issue_current_quarter(*, today: datetime.date | None = None) -> IssueResult:
    """The beat job: the quarter `today` falls in, for the whole portal."""
    return issue_checklists(quarter=Quarter.of(today or timezone.localdate()))


#: organisations named in a result notification (the rest are counted)
NAMED_ORGS = 5


def result_text(results: Sequence[IssueResult]) -> str:
    """What an issuing run did, in one line for the notification bell."""
    quarter = results[0].quarter
    created = sum(len(r.created) for r in results)
    existing = sum(r.existing for r in results)
    parts = [
        _("%(quarter)s：新下发 %(created)d 份清单，已存在 %(existing)d 份。")
        % {"quarter": quarter, "created": created, "existing": existing}
    ]
    missing = [o for r in results for o in r.without_secretary]
    if missing:
        names = "、".join(o.name for o in missing[:NAMED_ORGS])
        parts.append(
            _("%(n)d 个组织没有书记账号（%(names)s%(more)s），请为其分配书记。")
            % {"n": len(missing), "names": names, "more": "等" if len(missing) > NAMED_ORGS else ""}
        )
    invalid = {t.pk: t for r in results for t in r.invalid_templates}
    if invalid:
        parts.append(
            _("模板总分不是 100 分，未下发：%(names)s。")
            % {"names": "、".join(str(t) for t in invalid.values())}
        )
    return "".join(parts)
