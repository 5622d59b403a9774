"""Reviewing the quarterly responsibility lists: scoring, sending back, approving, and the
rectification items (整改) that approval raises; with the selectors the review pages use.

Staff over the organisation's parent review a list (a township's own list goes to the
county, a village's to the township or the county: nobody reviews their own level), and
they maintain and close its rectifications; the secretary of the organisation itself
reports on them. Every write bumps the list's `revision`, and
each write takes the revision the reviewer's page was built from: two reviewers working on
the same list get a conflict message instead of silently overwriting each other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.roles import Role
from core.notifications import Message, notify_many
from orgs.models import Organization
from orgs.scope import holds_role_on, path_allowed

from .checklist_models import (
    ChecklistEvidence,
    ChecklistItem,
    Rectification,
    ResponsibilityList,
)
from .choices import ItemStatus, ListStatus, RectificationStatus
from .issuing import Quarter, checklist_setting, deadline_for
from .reminders import approved_message, returned_message

COMMENT_MAX = 300
REPORT_MAX = 2000
REQUIREMENT_MAX = 2000
RESPONSIBLE_MAX = 30
#: the review list shows the previous quarter until this many days past its deadline
REVIEW_SEASON_DAYS = 15
ONE_DECIMAL = Decimal("0.1")

#: (score or None, comment, needs_rectification) per item id
ItemScore = tuple[Decimal | None, str, bool]


class ReviewConflict(ValidationError):
    """The list changed since the reviewer's page was built."""


# --- permissions -------------------------------------------------------------------------


def reviews_organization(user: Any, organization: Organization) -> bool:
    """Staff whose scope covers the organisation's parent (as for the secretaries' 述职评议,
    assessments.secretary_reviews.can_review): township staff review their villages, not
    their township's own list, which goes to the county; a root only to superusers."""
    parent_path = organization.path[: -Organization.steplen]
    return path_allowed(user, parent_path, (Role.STAFF,))


def can_review(user: Any, checklist: ResponsibilityList) -> bool:
    return reviews_organization(user, checklist.organization)


def sees_provisional_review(user: Any, checklist: ResponsibilityList) -> bool:
    """Scores, comments and 需整改 marks are the reviewer's work in progress until the list
    is sent back or approved: staff and leaders over the organisation see them at once,
    the secretary only then (templates show them by the list's status otherwise)."""
    return path_allowed(user, checklist.organization.path, (Role.STAFF, Role.LEADER))


def can_report_rectification(user: Any, rectification: Rectification) -> bool:
    """The secretary of the list's organisation itself (not of an ancestor)."""
    return holds_role_on(user, rectification.item.checklist.organization_id, (Role.SECRETARY,))


def can_close_rectification(user: Any, rectification: Rectification) -> bool:
    """The list's reviewers: staff over the organisation's parent."""
    return reviews_organization(user, rectification.item.checklist.organization)


can_edit_rectification = can_close_rectification


# --- settings ----------------------------------------------------------------------------


def rectify_below_percent() -> Decimal:
    return Decimal(checklist_setting("CHECKLIST_RECTIFY_BELOW_PERCENT"))


def rectify_days() -> int:
    return checklist_setting("CHECKLIST_RECTIFY_DAYS")


def default_review_quarter(today: datetime.date) -> Quarter:
    """The quarter the review list opens on: the previous one while its lists are still
    coming in and being reviewed (up to REVIEW_SEASON_DAYS after its deadline), else the
    current one."""
    previous = Quarter.of(today).previous
    if today <= deadline_for(previous) + datetime.timedelta(days=REVIEW_SEASON_DAYS):
        return previous
    return Quarter.of(today)


def falls_short(item: ChecklistItem) -> bool:
    """Scored below the threshold share of the item's points (exactly at it is not)."""
    if item.score is None:
        return False
    return item.score * 100 < item.points * rectify_below_percent()


# --- services ----------------------------------------------------------------------------


def _require_reviewer(user: Any, checklist: ResponsibilityList) -> None:
    if not can_review(user, checklist):
        raise PermissionDenied(_("您不能审核该组织的责任清单。"))


def _require_submitted(checklist: ResponsibilityList) -> None:
    if checklist.status != ListStatus.SUBMITTED:
        raise ValidationError(
            _("只有“已提交”的清单可以审核，该清单当前为“%(status)s”。")
            % {"status": checklist.get_status_display()}
        )


def _conflict(revision: int | None) -> ReviewConflict:
    return ReviewConflict(
        _("该清单已被他人修改（第 %(revision)s 版），请刷新后再评分。") % {"revision": revision}
    )


def _check_revision(checklist: ResponsibilityList, expected_revision: int) -> None:
    """A stale page hears of the conflict before any other complaint about its input."""
    if checklist.revision != expected_revision:
        raise _conflict(checklist.revision)


def _claim_revision(checklist: ResponsibilityList, expected_revision: int) -> None:
    """Compare-and-swap on the revision inside the caller's transaction: of two reviewers
    who loaded the same revision exactly one gets past here."""
    claimed = ResponsibilityList.objects.filter(pk=checklist.pk, revision=expected_revision).update(
        revision=F("revision") + 1
    )
    if not claimed:
        raise _conflict(
            ResponsibilityList.objects.filter(pk=checklist.pk)
            .values_list("revision", flat=True)
            .first()
        )
    checklist.revision = expected_revision + 1


def _save_list(checklist: ResponsibilityList, user: Any, reason: str) -> None:
    # The revision was already bumped by _claim_revision; this save records the history.
    checklist._history_user = user
    checklist._change_reason = reason
    checklist.save()


def _score_errors(
    items: dict[int, ChecklistItem], scores: dict[int, ItemScore]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item_id, (score, comment, _needs) in scores.items():
        item = items.get(item_id)
        if item is None:
            errors.setdefault("__all__", []).append(_("评分中有不属于该清单的条目。"))
            continue
        if score is not None:
            try:
                score = Decimal(score)
                valid = score.is_finite()
            except (InvalidOperation, TypeError):
                valid = False
            if not valid:
                errors[f"score_{item_id}"] = [
                    _("第 %(n)s 项评分：请填写数字。") % {"n": item.position}
                ]
            elif score < 0 or score > item.points:
                errors[f"score_{item_id}"] = [
                    _("第 %(n)s 项评分应在 0 到 %(points)s 分之间。")
                    % {"n": item.position, "points": item.points}
                ]
            elif score != score.quantize(ONE_DECIMAL):
                errors[f"score_{item_id}"] = [
                    _("第 %(n)s 项评分最多保留一位小数。") % {"n": item.position}
                ]
        if len((comment or "").strip()) > COMMENT_MAX:
            errors[f"comment_{item_id}"] = [
                _("第 %(n)s 项审核意见不能超过 %(max)d 个字符。")
                % {"n": item.position, "max": COMMENT_MAX}
            ]
    return errors


def checklist_score(
    *,
    user: Any,
    checklist: ResponsibilityList,
    scores: dict[int, ItemScore],
    expected_revision: int,
) -> ResponsibilityList:
    """Save the scores, comments and 需整改 marks of a submitted list (a draft review)."""
    _require_reviewer(user, checklist)
    _check_revision(checklist, expected_revision)
    _require_submitted(checklist)
    items = {item.pk: item for item in checklist.items.all()}
    errors = _score_errors(items, scores)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _claim_revision(checklist, expected_revision)
        for item_id, (score, comment, needs) in scores.items():
            item = items[item_id]
            new = (
                None if score is None else Decimal(score),
                (comment or "").strip(),
                bool(needs),
            )
            if new == (item.score, item.review_comment, item.needs_rectification):
                continue  # an unchanged item gets no history row
            item.score, item.review_comment, item.needs_rectification = new
            item._history_user = user
            item._change_reason = _("评分")
            item.save(update_fields=["score", "review_comment", "needs_rectification"])
        _save_list(checklist, user, _("保存评分"))
    return checklist


def checklist_return(
    *,
    user: Any,
    checklist: ResponsibilityList,
    reasons: dict[int, str],
    expected_revision: int,
) -> ResponsibilityList:
    """Send a submitted list back (退回修改); the reasons become the items' review comments,
    which the secretary sees on the items. The comments of items given no reason now are
    cleared: a reason from an earlier return must not read as one of this return."""
    _require_reviewer(user, checklist)
    _check_revision(checklist, expected_revision)
    _require_submitted(checklist)
    items = {item.pk: item for item in checklist.items.all()}
    given = {pk: (text or "").strip() for pk, text in reasons.items() if (text or "").strip()}
    errors: dict[str, list[str]] = {}
    for item_id, text in given.items():
        item = items.get(item_id)
        if item is None:
            errors.setdefault("__all__", []).append(_("退回理由中有不属于该清单的条目。"))
        elif len(text) > COMMENT_MAX:
            errors[f"comment_{item_id}"] = [
                _("第 %(n)s 项退回理由不能超过 %(max)d 个字符。")
                % {"n": item.position, "max": COMMENT_MAX}
            ]
    if not given:
        errors.setdefault("__all__", []).append(
            _("退回修改时请至少为一项填写退回理由（审核意见）。")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _claim_revision(checklist, expected_revision)
        for item_id, item in items.items():
            text = given.get(item_id, "")
            if item.review_comment == text:
                continue
            item.review_comment = text
            item._history_user = user
            item._change_reason = _("退回理由") if text else _("退回时清除旧的审核意见")
            item.save(update_fields=["review_comment"])
        checklist.status = ListStatus.RETURNED
        _save_list(checklist, user, _("退回修改"))
        _notify_on_commit(returned_message(checklist))
    return checklist


def _notify_on_commit(message: Message) -> None:
    """Tell the secretary at once, with the e-mail copy where mail is configured; the daily
    reminder job uses the same event keys, so it never repeats what was sent here (and
    catches up if this was missed)."""
    transaction.on_commit(lambda: notify_many(messages=[message], email=True))


def _responsible_person(checklist: ResponsibilityList) -> str:
    organization = checklist.organization
    secretary = checklist.secretary
    name = organization.secretary_name.strip()
    if not name and secretary is not None:
        name = secretary.display_name.strip()
    return (name or _("本组织书记"))[:RESPONSIBLE_MAX]


def _default_requirement(item: ChecklistItem) -> str:
    return _(
        "第 %(n)s 项“%(content)s”得分 %(score)s / %(points)s 分，请对照工作要求整改：%(req)s"
    ) % {
        "n": item.position,
        "content": item.content,
        "score": item.score,
        "points": item.points,
        "req": item.requirement,
    }


def checklist_approve(
    *, user: Any, checklist: ResponsibilityList, expected_revision: int
) -> ResponsibilityList:
    """Approve a fully scored list (已审核): the total, the reviewer, and a rectification
    item for every item below the threshold or marked 需整改 (once per item)."""
    _require_reviewer(user, checklist)
    if checklist.status == ListStatus.APPROVED:
        raise ValidationError(_("该清单已审核通过，不能重复审核。"))
    _check_revision(checklist, expected_revision)
    _require_submitted(checklist)
    items = list(checklist.items.order_by("position"))
    unscored = [str(item.position) for item in items if item.score is None]
    if unscored:
        raise ValidationError(
            _("第 %(items)s 项尚未评分，全部评分后才能审核通过。") % {"items": "、".join(unscored)}
        )
    now = timezone.now()
    deadline = timezone.localdate(now) + datetime.timedelta(days=rectify_days())
    with transaction.atomic():
        _claim_revision(checklist, expected_revision)
        checklist.status = ListStatus.APPROVED
        checklist.total_score = sum((item.score for item in items), Decimal("0"))
        checklist.reviewed_by = user
        checklist.reviewed_at = now
        _save_list(checklist, user, _("审核通过"))
        already = set(
            Rectification.objects.filter(item__checklist=checklist).values_list(
                "item_id", flat=True
            )
        )
        responsible = _responsible_person(checklist)
        new = [
            Rectification(
                item=item,
                requirement=item.review_comment.strip() or _default_requirement(item),
                responsible_person=responsible,
                deadline=deadline,
                created_by=user,
            )
            for item in items
            if (item.needs_rectification or falls_short(item)) and item.pk not in already
        ]
        if new:
            bulk_create_with_history(
                new, Rectification, default_user=user, default_change_reason=_("审核提出整改")
            )
        _notify_on_commit(approved_message(checklist))
    return checklist


def checklist_review(
    *,
    user: Any,
    checklist: ResponsibilityList,
    scores: dict[int, ItemScore],
    decision: str,
    expected_revision: int,
) -> ResponsibilityList:
    """The review page's one submit: save the scores, then (for "return"/"approve") decide,
    all or nothing. For "return" the comments typed are the reasons."""
    if decision not in {"save", "return", "approve"}:
        raise ValidationError(_("未知的审核操作。"))
    with transaction.atomic():
        checklist_score(
            user=user, checklist=checklist, scores=scores, expected_revision=expected_revision
        )
        if decision == "return":
            checklist_return(
                user=user,
                checklist=checklist,
                reasons={pk: comment for pk, (_score, comment, _needs) in scores.items()},
                expected_revision=checklist.revision,
            )
        elif decision == "approve":
            checklist_approve(user=user, checklist=checklist, expected_revision=checklist.revision)
    return checklist


def _locked_rectification(rectification: Rectification) -> Rectification:
    """The row, locked for the caller's transaction: a report and a close (or an edit)
    arriving together are applied one after the other, each on the stored status."""
    return (
        Rectification.objects.select_for_update()
        .select_related("item__checklist__organization")
        .get(pk=rectification.pk)
    )


def _text_errors(field: str, label: str, text: str, limit: int) -> dict[str, list[str]]:
    if not text:
        return {field: [_("%(label)s：必填。") % {"label": label}]}
    if len(text) > limit:
        return {
            field: [
                _("%(label)s不能超过 %(max)d 个字符（现为 %(len)d 个）。")
                % {"label": label, "max": limit, "len": len(text)}
            ]
        }
    return {}


def rectification_report(*, user: Any, rectification: Rectification, report: str) -> Rectification:
    """The secretary reports what was done (已报告整改情况); staff then close it."""
    if not can_report_rectification(user, rectification):
        raise PermissionDenied(_("只有该组织的书记可以报告整改情况。"))
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": [_("整改情况：必填，请写明整改了什么。")]})
    if len(report) > REPORT_MAX:
        raise ValidationError(
            {"report": [_("整改情况不能超过 %(max)d 个字符。") % {"max": REPORT_MAX}]}
        )
    with transaction.atomic():
        locked = _locked_rectification(rectification)
        if locked.status == RectificationStatus.CLOSED:
            raise ValidationError(_("该整改事项已销号，不能再报告。"))
        locked.report = report
        locked.status = RectificationStatus.REPORTED
        locked.reported_at = timezone.now()
        locked._history_user = user
        locked._change_reason = _("报告整改情况")
        locked.save()
    return locked


def rectification_close(*, user: Any, rectification: Rectification) -> Rectification:
    """Staff close (销号) a rectification, normally after the secretary's report."""
    if not can_close_rectification(user, rectification):
        raise PermissionDenied(_("您不能为该组织的整改事项销号。"))
    with transaction.atomic():
        locked = _locked_rectification(rectification)
        if locked.status == RectificationStatus.CLOSED:
            raise ValidationError(_("该整改事项已销号。"))
        locked.status = RectificationStatus.CLOSED
        locked.closed_at = timezone.now()
        locked._history_user = user
        locked._change_reason = _("整改销号")
        locked.save()
    return locked


def rectification_update(
    *,
    user: Any,
    rectification: Rectification,
    requirement: str,
    deadline: datetime.date | None,
    responsible_person: str,
    today: datetime.date | None = None,
) -> Rectification:
    """The reviewer changes what a rectification not yet closed asks for, by when and of
    whom. A new deadline may not lie in the past (an overdue one may be kept while the
    other fields change, or extended to a date still ahead); every field is required.
    History with the reviewer."""
    if not can_edit_rectification(user, rectification):
        raise PermissionDenied(_("您不能修改该组织的整改事项。"))
    today = today or timezone.localdate()
    requirement = (requirement or "").strip()
    responsible_person = (responsible_person or "").strip()
    errors = {
        **_text_errors("requirement", _("整改要求"), requirement, REQUIREMENT_MAX),
        **_text_errors("responsible_person", _("责任人"), responsible_person, RESPONSIBLE_MAX),
    }
    if deadline is None:
        errors["deadline"] = [_("整改期限：必填，格式如 2026-05-31。")]
    elif deadline < today and deadline != rectification.deadline:
        errors["deadline"] = [
            _("整改期限：不能早于今天（%(today)s）。") % {"today": today.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_rectification(rectification)
        if locked.status == RectificationStatus.CLOSED:
            raise ValidationError(_("该整改事项已销号，不能再修改。"))
        new = (requirement, deadline, responsible_person)
        if new == (locked.requirement, locked.deadline, locked.responsible_person):
            return locked
        locked.requirement, locked.deadline, locked.responsible_person = new
        locked._history_user = user
        locked._change_reason = _("修改整改要求、期限或责任人")
        locked.save()
    return locked


# --- selectors ---------------------------------------------------------------------------

STATUS_ORDER = (
    ListStatus.DRAFT,
    ListStatus.SUBMITTED,
    ListStatus.RETURNED,
    ListStatus.APPROVED,
)


def lists_for_review(user: Any, *, year: int, quarter: int, status: str = "") -> QuerySet:
    """The quarter's lists in the user's scope, optionally of one status; submitted first
    within an organisation order so the reviewer's work is at the top."""
    lists = ResponsibilityList.objects.visible_to(user).filter(year=year, quarter=quarter)
    if status:
        lists = lists.filter(status=status)
    return lists.select_related("organization", "secretary", "reviewed_by").order_by(
        "organization__path"
    )


def status_counts(user: Any, *, year: int, quarter: int) -> dict[str, int]:
    """Lists per status in the user's scope for the quarter, one query."""
    row = (
        ResponsibilityList.objects.visible_to(user)
        .filter(year=year, quarter=quarter)
        .aggregate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in STATUS_ORDER},
            late=Count("pk", filter=Q(late=True)),
        )
    )
    return {key: value or 0 for key, value in row.items()}


def rectifications_for_user(user: Any, *, today: datetime.date, show: str = "open") -> QuerySet:
    """Rectifications in the user's scope: "open" (not closed), "overdue" or "all"."""
    rows = Rectification.objects.visible_to(user)
    if show == "overdue":
        rows = rows.filter(status=RectificationStatus.OPEN, deadline__lt=today)
    elif show != "all":
        rows = rows.exclude(status=RectificationStatus.CLOSED)
    return rows.select_related("item__checklist__organization").order_by("deadline", "pk")


def overdue_rectifications(org: Organization, today: datetime.date) -> QuerySet:
    """Warnings: rectifications of `org`'s subtree past their deadline with no report yet
    (a reported one waits for staff, not for the organisation). One query when iterated."""
    return (
        Rectification.objects.filter(
            item__checklist__organization__path__startswith=org.path,
            status=RectificationStatus.OPEN,
            deadline__lt=today,
        )
        .select_related("item__checklist__organization")
        .order_by("deadline", "pk")
    )


# --- what changed since the last submission ----------------------------------------------


@dataclass(frozen=True)
class ItemChange:
    old_status: str
    new_status: str
    old_account: str
    new_account: str
    new_evidence: int

    @property
    def old_status_label(self) -> str:
        return ItemStatus(self.old_status).label

    @property
    def new_status_label(self) -> str:
        return ItemStatus(self.new_status).label

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def account_changed(self) -> bool:
        return self.old_account != self.new_account


def previous_submission_at(checklist: ResponsibilityList) -> datetime.datetime | None:
    """When the list was submitted the time before the latest submission (None if it was
    submitted once only): the list's history has a run of 已提交 records per submission."""
    starts: list[datetime.datetime] = []
    previous = None
    for status, at in checklist.history.order_by("history_date", "history_id").values_list(
        "status", "history_date"
    ):
        if status == ListStatus.SUBMITTED and previous != ListStatus.SUBMITTED:
            starts.append(at)
        previous = status
    return starts[-2] if len(starts) >= 2 else None


def changes_since_last_submission(checklist: ResponsibilityList) -> dict[int, ItemChange]:
    """Per item id, what the secretary changed (progress, account, new evidence) since the
    previous submission of a list that was sent back; empty for a first submission. Four
    queries whatever the number of items."""
    since = previous_submission_at(checklist)
    if since is None:
        return {}
    then: dict[int, tuple[str, str]] = {}
    for item_id, status, account in (
        ChecklistItem.history.filter(checklist_id=checklist.pk, history_date__lte=since)
        .order_by("id", "-history_date", "-history_id")
        .values_list("id", "status", "account")
    ):
        then.setdefault(item_id, (status, account))
    added = dict(
        ChecklistEvidence.objects.filter(item__checklist=checklist, uploaded_at__gt=since)
        .values("item_id")
        .annotate(n=Count("pk"))
        .values_list("item_id", "n")
    )
    changes: dict[int, ItemChange] = {}
    for item in checklist.items.all():
        old_status, old_account = then.get(item.pk, (item.status, item.account))
        change = ItemChange(
            old_status=old_status,
            new_status=item.status,
            old_account=old_account,
            new_account=item.account,
            new_evidence=added.get(item.pk, 0),
        )
        if change.status_changed or change.account_changed or change.new_evidence:
            changes[item.pk] = change
    return changes
