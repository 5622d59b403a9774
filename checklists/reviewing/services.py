"""Reviewing a submitted list: scoring, sending back (退回修改) and approving (已审核), which
raises the rectifications (整改) of the items that fell short.

Every write bumps the list's `revision`, and each write takes the revision the
reviewer's page was built from: two reviewers working on the same list get a conflict
message instead of silently overwriting each other.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.notifications import Message, notify_many

from ..choices import ListStatus
from ..models import ChecklistItem, Rectification, ResponsibilityList
from ..reminders import approved_message, returned_message
from .permissions import can_review
from .rectifications import RESPONSIBLE_MAX
from .rules import falls_short, rectify_days

COMMENT_MAX = 300
ONE_DECIMAL = Decimal("0.1")

#: (score or None, comment, needs_rectification) per item id
ItemScore = tuple[Decimal | None, str, bool]


class ReviewConflict(ValidationError):
    """The list changed since the reviewer's page was built."""


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
