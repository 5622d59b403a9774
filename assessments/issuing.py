"""Issuing the quarter's responsibility lists: one function behind the command, the staff
button and the Celery beat job (issue 5).

For every organisation of the subtree at a level that has a template, one list for the
quarter, addressed to its secretary, with a snapshot of the template's items. Running it
again creates nothing new; organisations created since get theirs.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import Assignment
from accounts.roles import Role
from orgs.choices import OrgLevel
from orgs.models import Organization

from .checklist_models import ChecklistItem, ChecklistTemplate, ResponsibilityList
from .choices import ChecklistLevel

LEVEL_OF_ORG = {
    OrgLevel.TOWNSHIP: ChecklistLevel.TOWNSHIP,
    OrgLevel.VILLAGE: ChecklistLevel.VILLAGE,
    OrgLevel.OTHER: ChecklistLevel.OTHER,
}
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
FULL_MARKS = Decimal("100")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER_RE.match(text.strip().upper())
        if not match:
            raise ValidationError(_("季度格式应为 2026Q4 这样的“年份Q季度”。"))
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        month = 3 * self.number
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def deadline_for(quarter: Quarter) -> datetime.date:
    """Reports are due a few days after the quarter ends (CHECKLIST_DEADLINE_DAYS)."""
    days = getattr(settings, "CHECKLIST_DEADLINE_DAYS", 10)
    return quarter.last_day + datetime.timedelta(days=days)


def template_total(template: ChecklistTemplate) -> Decimal:
    return template.items.aggregate(total=Sum("points"))["total"] or Decimal("0")


def current_templates(year: int) -> dict[str, ChecklistTemplate]:
    """The template each level issues from in `year`: that year's highest version, or,
    when staff have not made one for the year yet, the latest earlier year's."""
    chosen: dict[str, ChecklistTemplate] = {}
    for template in ChecklistTemplate.objects.filter(year__lte=year).order_by(
        "level", "-year", "-version"
    ):
        chosen.setdefault(template.level, template)
    return chosen


@dataclass
class IssueResult:
    quarter: Quarter
    created: list[ResponsibilityList] = field(default_factory=list)
    existing: int = 0
    without_secretary: list[Organization] = field(default_factory=list)
    #: levels whose template does not total 100 points: nothing was issued from them
    invalid_templates: list[ChecklistTemplate] = field(default_factory=list)


def issue_checklists(
    *, quarter: Quarter, org: Organization | None = None, user: Any = None
) -> IssueResult:
    result = IssueResult(quarter=quarter)
    templates = current_templates(quarter.year)
    for level, template in list(templates.items()):
        if template_total(template) != FULL_MARKS:
            result.invalid_templates.append(template)
            del templates[level]
    levels = [org_level for org_level, level in LEVEL_OF_ORG.items() if level in templates]
    organizations = Organization.objects.filter(level__in=levels)
    if org is not None:
        organizations = organizations.filter(path__startswith=org.path)
    organizations = list(organizations.order_by("path"))
    issued = set(
        ResponsibilityList.objects.filter(
            year=quarter.year, quarter=quarter.number, organization__in=organizations
        ).values_list("organization_id", flat=True)
    )
    secretaries = _secretaries([o.pk for o in organizations])
    items_by_template = {
        template.pk: list(template.items.order_by("position")) for template in templates.values()
    }
    for organization in organizations:
        secretary = secretaries.get(organization.pk)
        if secretary is None:
            result.without_secretary.append(organization)
        if organization.pk in issued:
            result.existing += 1
            continue
        template = templates[LEVEL_OF_ORG[organization.level]]
        checklist = _issue_one(
            organization, template, items_by_template[template.pk], quarter, secretary, user
        )
        if checklist is None:
            result.existing += 1  # issued meanwhile by a concurrent run
        else:
            result.created.append(checklist)
    return result


def _secretaries(org_ids: list[int]) -> dict[int, Any]:
    """The secretary account of each organisation (held on the organisation itself)."""
    found: dict[int, Any] = {}
    for assignment in (
        Assignment.objects.filter(role=Role.SECRETARY, organization_id__in=org_ids)
        .select_related("user")
        .order_by("organization_id", "user__username")
    ):
        if assignment.user.is_active:
            found.setdefault(assignment.organization_id, assignment.user)
    return found


def _issue_one(organization, template, template_items, quarter, secretary, user):
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
                        due_on=(
                            quarter.first_day + datetime.timedelta(days=item.due_in_days - 1)
                            if item.due_in_days
                            else None
                        ),
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


def issue_current_quarter(*, today: datetime.date | None = None) -> IssueResult:
    """The beat job: the quarter `today` falls in, for the whole portal."""
    return issue_checklists(quarter=Quarter.of(today or timezone.localdate()))
