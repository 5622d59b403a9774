"""Issuing the quarter's responsibility lists: one function behind the command, the staff
button (through a Celery task) and the Celery beat job (issue 5).

For every organisation of the subtree at a level that has a template, one list for the
quarter, addressed to its secretary, with a snapshot of the template's items. Running it
again creates nothing new; organisations created since get theirs, and lists issued before
their organisation had a secretary account are addressed to the secretary it has now.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Assignment
from accounts.roles import Role
from core.years import check_year
from orgs.choices import OrgLevel
from orgs.models import Organization

from .checklist_models import ChecklistItem, ChecklistTemplate, ResponsibilityList, TemplateItem
from .choices import ChecklistLevel, ListStatus, RectificationStatus

LEVEL_OF_ORG = {
    OrgLevel.TOWNSHIP: ChecklistLevel.TOWNSHIP,
    OrgLevel.VILLAGE: ChecklistLevel.VILLAGE,
    OrgLevel.OTHER: ChecklistLevel.OTHER,
}
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
FULL_MARKS = Decimal("100")
TENTH = Decimal("0.1")

#: The one place of the lists' configuration defaults: settings (config/settings/base.py,
#: from the environment) override them; `checklist_setting` reads them.
CHECKLIST_DEFAULTS: dict[str, int] = {
    # reports are due this many days after the quarter ends
    "CHECKLIST_DEADLINE_DAYS": 10,
    # an item scored below this share (%) of its points becomes a rectification item
    "CHECKLIST_RECTIFY_BELOW_PERCENT": 60,
    # a rectification is due this many days after the list was approved
    "CHECKLIST_RECTIFY_DAYS": 30,
}


def checklist_setting(name: str) -> int:
    return int(getattr(settings, name, CHECKLIST_DEFAULTS[name]))


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER_RE.match(text.strip().upper())
        if not match:
            raise ValidationError(_("季度格式应为 2026Q4 这样的“年份Q季度”。"))
        return cls(check_year(int(match.group(1))), int(match.group(2)))

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

    @property
    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def deadline_for(quarter: Quarter) -> datetime.date:
    """Reports are due a few days after the quarter ends (CHECKLIST_DEADLINE_DAYS)."""
    return quarter.last_day + datetime.timedelta(days=checklist_setting("CHECKLIST_DEADLINE_DAYS"))


def due_on_for(quarter: Quarter, due_in_days: int | None) -> datetime.date | None:
    """An item's due date: `due_in_days` counted from the quarter's first day, never past
    its last day (92 days run past the end of a 90-day quarter)."""
    if not due_in_days:
        return None
    return min(quarter.first_day + datetime.timedelta(days=due_in_days - 1), quarter.last_day)


# --- which template a level issues from --------------------------------------------------


def _points(value: Any) -> Decimal:
    # SQLite sums decimals as floats (99.99999…): compare at the items' one decimal place.
    return Decimal(str(value or 0)).quantize(TENTH, ROUND_HALF_UP)


def template_total(template: ChecklistTemplate) -> Decimal:
    return _points(template.items.aggregate(total=Sum("points"))["total"])


def template_totals(template_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each template's total points, one grouped query (a template without items: 0)."""
    ids = list(template_ids)
    totals = dict.fromkeys(ids, Decimal("0.0"))
    rows = (
        TemplateItem.objects.filter(template_id__in=ids)
        .values("template_id")
        .annotate(total=Sum("points"))
        .order_by()
        .values_list("template_id", "total")
    )
    for template_id, total in rows:
        totals[template_id] = _points(total)
    return totals


@dataclass(frozen=True)
class TemplateChoice:
    #: per level, the template lists are issued from
    current: dict[str, ChecklistTemplate]
    #: levels none of whose templates totals 100 points (their latest template): nothing
    #: is issued at those levels
    invalid: list[ChecklistTemplate]
    #: newer versions still being edited (not 100 points): skipped for an older version
    skipped: list[ChecklistTemplate]
    totals: dict[int, Decimal]


def choose_templates(year: int) -> TemplateChoice:
    """Per level, the template `year`'s lists are issued from: the highest version of the
    latest year up to `year` that totals 100 points. A new version being edited (a copy
    made by "edit", or a new empty one) does not stop issuing: the previous complete
    version is used until the new one totals 100. Two queries."""
    templates = list(
        ChecklistTemplate.objects.filter(year__lte=year).order_by("level", "-year", "-version")
    )
    totals = template_totals(t.pk for t in templates)
    current: dict[str, ChecklistTemplate] = {}
    latest: dict[str, ChecklistTemplate] = {}
    skipped: list[ChecklistTemplate] = []
    for template in templates:
        latest.setdefault(template.level, template)
        if template.level in current:
            continue
        if totals[template.pk] == FULL_MARKS:
            current[template.level] = template
        else:
            skipped.append(template)
    invalid = [t for level, t in latest.items() if level not in current]
    return TemplateChoice(
        current=current,
        invalid=invalid,
        skipped=[t for t in skipped if t.level in current],
        totals=totals,
    )


def current_templates(year: int) -> dict[str, ChecklistTemplate]:
    """The template each level issues from in `year` (see choose_templates)."""
    return choose_templates(year).current


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
        organizations = organizations.filter(path__startswith=org.path)
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
