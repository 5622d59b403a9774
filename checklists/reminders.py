"""The daily reminders of the responsibility lists: the bell and, where a mail
server is configured, an e-mail copy.

Every event has a key, and a user is notified of an event once (core.notifications), so
the job may run any number of times a day. The events:

- 清单已下发: a list addressed to a secretary, not yet submitted;
- 截止前 3 天: a list not submitted (未提交 or 退回修改) due in 3 days or fewer;
- 已退回: a list sent back, once per return;
- 已审核: a list approved (in the last week, so that old lists are not re-read daily);
- 整改到期: an open rectification due within 3 days or overdue.

Before that, the lists still in play are addressed to their organisation's secretary as
it is now (checklists.issuing.refresh_secretaries): a secretary whose account was made
after the list was issued gets the notices too. Each kind is one query for the candidates
plus a fixed few for the notifications, whatever the number of lists.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from core.notifications import Message, notify_many

from .choices import ListStatus, RectificationStatus
from .issuing import live_lists, refresh_secretaries
from .models import Rectification, ResponsibilityList

DUE_SOON_DAYS = 3
#: approved lists looked at: enough to cover a few missed daily runs
APPROVED_LOOKBACK_DAYS = 7


def checklist_url(checklist_id: int) -> str:
    """The secretary's page of the list (read-only once submitted)."""
    return reverse("checklists:fill", args=[checklist_id])


def rectification_url(rectification_id: int) -> str:
    """The rectification on the rectifications page, where the secretary reports on it."""
    return f"{reverse('checklists:rectifications')}#rect-{rectification_id}"


def _when(checklist: ResponsibilityList) -> str:
    return _("%(org)s %(year)d 年第 %(quarter)d 季度") % {
        "org": checklist.organization.name,
        "year": checklist.year,
        "quarter": checklist.quarter,
    }


def issued_message(checklist: ResponsibilityList) -> Message:
    return Message(
        user=checklist.secretary,
        text=_("%(when)s责任清单已下发，请于 %(deadline)s 前填报。")
        % {"when": _when(checklist), "deadline": checklist.deadline.isoformat()},
        url=checklist_url(checklist.pk),
        event_key=f"checklist:{checklist.pk}:issued",
    )


def deadline_message(checklist: ResponsibilityList) -> Message:
    return Message(
        user=checklist.secretary,
        text=_("%(when)s责任清单将于 %(deadline)s 截止，尚未提交。")
        % {"when": _when(checklist), "deadline": checklist.deadline.isoformat()},
        url=checklist_url(checklist.pk),
        event_key=f"checklist:{checklist.pk}:deadline",
    )


def returned_message(checklist: ResponsibilityList) -> Message:
    # Once per return: each return answers one submission, named by its time. (The
    # revision would change with every draft the secretary saves afterwards and so
    # notify again; it is the fallback for a list returned without a submission time.)
    round_key = (
        checklist.submitted_at.strftime("%Y%m%d%H%M%S%f")
        if checklist.submitted_at
        else f"r{checklist.revision}"
    )
    return Message(
        user=checklist.secretary,
        text=_("%(when)s责任清单被退回修改，请按审核意见修改后重新提交。")
        % {"when": _when(checklist)},
        url=checklist_url(checklist.pk),
        event_key=f"checklist:{checklist.pk}:returned:{round_key}",
    )


def approved_message(checklist: ResponsibilityList) -> Message:
    score = checklist.total_score
    return Message(
        user=checklist.secretary,
        text=_("%(when)s责任清单已审核，得分 %(score)s。")
        % {"when": _when(checklist), "score": "—" if score is None else score},
        url=checklist_url(checklist.pk),
        event_key=f"checklist:{checklist.pk}:approved",
    )


def rectification_message(rectification: Rectification, *, today: datetime.date) -> Message:
    checklist = rectification.item.checklist
    overdue = rectification.deadline < today
    template = (
        _("%(when)s“%(item)s”的整改已于 %(deadline)s 到期，请尽快报告整改情况。")
        if overdue
        else _("%(when)s“%(item)s”的整改将于 %(deadline)s 到期，请及时报告整改情况。")
    )
    return Message(
        user=checklist.secretary,
        text=template
        % {
            "when": _when(checklist),
            "item": rectification.item.content[:40],
            "deadline": rectification.deadline.isoformat(),
        },
        url=rectification_url(rectification.pk),
        event_key=f"rectification:{rectification.pk}:due",
    )


@dataclass
class ReminderResult:
    created: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def send_reminders(*, today: datetime.date) -> ReminderResult:
    """Create the day's reminders (idempotent: an event is never notified twice)."""
    refresh_secretaries(lists=live_lists(today=today, lookback_days=APPROVED_LOOKBACK_DAYS))
    lists = ResponsibilityList.objects.filter(secretary__isnull=False).select_related(
        "organization", "secretary"
    )
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    kinds = {
        "issued": [issued_message(c) for c in lists.filter(status=ListStatus.DRAFT)],
        "deadline": [
            deadline_message(c)
            for c in lists.filter(
                status__in=(ListStatus.DRAFT, ListStatus.RETURNED),
                deadline__gte=today,
                deadline__lte=soon,
            )
        ],
        "returned": [returned_message(c) for c in lists.filter(status=ListStatus.RETURNED)],
        "approved": [
            approved_message(c)
            for c in lists.filter(
                status=ListStatus.APPROVED,
                reviewed_at__date__gte=today - datetime.timedelta(days=APPROVED_LOOKBACK_DAYS),
            )
        ],
        "rectification": [
            rectification_message(r, today=today)
            for r in Rectification.objects.filter(
                status=RectificationStatus.OPEN,
                deadline__lte=soon,
                item__checklist__secretary__isnull=False,
            ).select_related("item__checklist__organization", "item__checklist__secretary")
        ],
    }
    result = ReminderResult()
    for kind, messages in kinds.items():
        result.created[kind] = len(notify_many(messages=messages, email=True))
    return result
