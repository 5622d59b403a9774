"""Filling in and submitting a quarterly responsibility list (the secretary's side).

Only the secretary of the list's organisation itself fills it in (a township's secretary
reports on the township's list, not on its villages'): staff review and score, they never
report for a branch. A list is editable while 未提交 or 退回修改;
once submitted it waits for the reviewer. Every save compares the revision the user loaded
with the stored one, so two tabs or two people never silently overwrite each other.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.stored_files import delete_file_row, guarded_write, store_file
from core.uploads import upload_errors
from orgs.roles import Role
from orgs.scope import holds_role_on

from .choices import ItemStatus, ListStatus
from .indicators import measure_items
from .models import ChecklistEvidence, ChecklistItem, ResponsibilityList

EDITABLE_STATUSES: tuple[str, ...] = (ListStatus.DRAFT, ListStatus.RETURNED)
ACCOUNT_MAX = 2000
MAX_FILES_PER_ITEM = 20
CONFLICT = "conflict"


def can_fill(user: Any, checklist: ResponsibilityList) -> bool:
    """The secretary of the list's organisation itself; no other role, no ancestor."""
    return holds_role_on(user, checklist.organization_id, (Role.SECRETARY,))


def is_editable(checklist: ResponsibilityList) -> bool:
    return checklist.status in EDITABLE_STATUSES


def would_be_late(checklist: ResponsibilityList, today: datetime.date) -> bool:
    """Whether submitting today marks the list late: a first submission after the
    deadline. A list sent back keeps the lateness of its first submission: fixing what
    the reviewer asked for after the deadline is not a late report."""
    return checklist.status == ListStatus.DRAFT and today > checklist.deadline


def error_key(item_id: int, field: str) -> str:
    """Errors about one item are keyed "<item id>.<field>" (field: status, account, files,
    remove); the page puts them beside that item."""
    return f"{item_id}.{field}"


def _check_may_write(user: Any, checklist: ResponsibilityList) -> None:
    if not can_fill(user, checklist):
        raise PermissionDenied(_("只有该组织的书记可以填报这份清单。"))


def _lock(checklist: ResponsibilityList, expected_revision: int | None) -> ResponsibilityList:
    """The list row, locked for this transaction, after the status and revision checks."""
    locked = ResponsibilityList.objects.select_for_update().get(pk=checklist.pk)
    if expected_revision is None or locked.revision != expected_revision:
        raise ValidationError(_("清单已在别处修改，请刷新后再保存。"), code=CONFLICT)
    if not is_editable(locked):
        raise ValidationError(
            _("清单%(status)s，不能再修改；审核退回后才能修改。")
            % {"status": locked.get_status_display()},
            code="read_only",
        )
    return locked


def _item_errors(
    item: ChecklistItem,
    status: str,
    account: str,
    uploads: Sequence[Any],
    sniffed: dict[int, str],
) -> dict[str, list[str]]:
    """The item's problems; each accepted upload's content type goes into `sniffed`
    (by id of the upload), so that a file is read for its type once."""
    errors: dict[str, list[str]] = {}
    number = item.position
    if status not in ItemStatus.values:
        errors[error_key(item.pk, "status")] = [
            _("第 %(n)d 项：进展请从“未开展、推进中、已完成”中选择。") % {"n": number}
        ]
    if status == ItemStatus.DONE and not account:
        errors[error_key(item.pk, "account")] = [
            _("第 %(n)d 项标为“已完成”，请填写落实情况。") % {"n": number}
        ]
    elif len(account) > ACCOUNT_MAX:
        errors[error_key(item.pk, "account")] = [
            _("第 %(n)d 项：落实情况不能超过 %(max)d 个字符（现为 %(len)d 个）。")
            % {"n": number, "max": ACCOUNT_MAX, "len": len(account)}
        ]
    if len(uploads) > MAX_FILES_PER_ITEM:
        errors[error_key(item.pk, "files")] = [
            _("第 %(n)d 项：佐证材料一次最多上传 %(max)d 个文件。")
            % {"n": number, "max": MAX_FILES_PER_ITEM}
        ]
    else:
        problems = []
        for upload in uploads:
            found, kind = upload_errors(upload)
            if kind is not None:
                sniffed[id(upload)] = kind[0]
            for problem in found:
                # Some messages name the file already; never name it twice.
                if upload.name and upload.name in problem:
                    problems.append(
                        _("第 %(n)d 项佐证材料：%(problem)s") % {"n": number, "problem": problem}
                    )
                else:
                    problems.append(
                        _("第 %(n)d 项佐证材料“%(name)s”：%(problem)s")
                        % {"n": number, "name": upload.name, "problem": problem}
                    )
        if problems:
            errors[error_key(item.pk, "files")] = problems
    return errors


def items_save(
    *,
    user: Any,
    checklist: ResponsibilityList,
    changes: Mapping[int, Mapping[str, str]],
    files: Mapping[int, Sequence[Any]] | None = None,
    remove: Iterable[int] = (),
    expected_revision: int | None,
) -> ResponsibilityList:
    """Save the secretary's draft: each item's status and account, new evidence files and
    the evidence listed in `remove`; all or nothing (a bad file leaves no row and no
    stored file). Returns the list with its new revision."""
    _check_may_write(user, checklist)
    changes = {int(k): v for k, v in changes.items()}
    files = {int(k): list(v) for k, v in (files or {}).items() if v}
    remove_ids = {int(pk) for pk in remove}

    def write(stored: list) -> ResponsibilityList:
        locked = _lock(checklist, expected_revision)
        items = {item.pk: item for item in locked.items.all()}
        unknown = (set(changes) | set(files)) - set(items)
        if unknown:
            raise ValidationError(_("提交的条目不属于这份清单，请刷新后重试。"))
        gone = list(ChecklistEvidence.objects.filter(item__checklist=locked, pk__in=remove_ids))
        if len(gone) != len(remove_ids):
            raise ValidationError(_("要删除的佐证材料不属于这份清单，请刷新后重试。"))
        errors: dict[str, list[str]] = {}
        sniffed: dict[int, str] = {}
        for item_id, item in items.items():
            change = changes.get(item_id, {})
            status = change.get("status", item.status)
            account = (change.get("account", item.account) or "").strip()
            errors.update(_item_errors(item, status, account, files.get(item_id, []), sniffed))
        if errors:
            raise ValidationError(errors)
        removed_by_item: dict[int, list[ChecklistEvidence]] = {}
        for evidence in gone:
            removed_by_item.setdefault(evidence.item_id, []).append(evidence)
        for item_id, item in items.items():
            change = changes.get(item_id, {})
            status = change.get("status", item.status)
            account = (change.get("account", item.account) or "").strip()
            added = files.get(item_id, [])
            removed = removed_by_item.get(item_id, [])
            if (status, account) == (item.status, item.account) and not added and not removed:
                continue
            item.status, item.account = status, account
            item._history_user = user
            reasons = []
            if added:
                reasons.append(_("新增佐证材料 %(n)d 个") % {"n": len(added)})
            if removed:
                reasons.append(
                    _("删除佐证材料：%(names)s")
                    % {"names": "、".join(e.original_name for e in removed)}
                )
            item._change_reason = "；".join(reasons) or _("保存草稿")
            item.save()
            for upload in added:
                # The type as sniffed by the check above: each file is read for it once.
                store_file(
                    ChecklistEvidence(item=item),
                    upload,
                    user=user,
                    content_type=sniffed[id(upload)],
                    stored=stored,
                )
        # Files of removed evidence go only once the rows are gone for good.
        for evidence in gone:
            delete_file_row(evidence)
        locked.revision += 1
        locked._history_user = user
        locked._change_reason = _("保存草稿")
        locked.save()
        return locked

    # All or nothing: a bad file leaves no row and no stored file.
    return guarded_write(write)


def submission_problems(checklist: ResponsibilityList) -> list[str]:
    """What stops the list from being submitted (Chinese, one line per item)."""
    return [
        _("第 %(n)d 项标为“已完成”，请填写落实情况。") % {"n": item.position}
        for item in checklist.items.filter(status=ItemStatus.DONE, account="")
    ]


def checklist_submit(
    *, user: Any, checklist: ResponsibilityList, expected_revision: int | None
) -> ResponsibilityList:
    """Submit the list for review: checks it, records the measured values as they stand
    now, and marks it late when submitted after the deadline (allowed, but marked)."""
    _check_may_write(user, checklist)
    with transaction.atomic():
        locked = _lock(checklist, expected_revision)
        problems = submission_problems(locked)
        if problems:
            raise ValidationError(problems)
        items = list(locked.items.select_related("checklist__organization"))
        measured = measure_items(items)
        changed = []
        for item in items:
            if item.pk in measured and item.measured_value != measured[item.pk]:
                item.measured_value = measured[item.pk]
                changed.append(item)
        if changed:
            bulk_update_with_history(
                changed,
                ChecklistItem,
                ["measured_value"],
                default_user=user,
                default_change_reason=_("提交时记录系统测量值"),
            )
        now = timezone.now()
        if locked.status == ListStatus.DRAFT:
            locked.late = would_be_late(locked, timezone.localdate(now))
        locked.status = ListStatus.SUBMITTED
        locked.submitted_at = now
        locked.revision += 1
        locked._history_user = user
        locked._change_reason = _("提交")
        locked.save()
        return locked


def changed_since(checklist: ResponsibilityList, revision: int) -> list[ChecklistItem]:
    """The items changed (progress, account, evidence) since the list stood at
    `revision`, by position: what a page built from that revision did not show. When
    the list's history does not know that revision, every item changed since the first
    record after it. Three queries."""
    since = (
        checklist.history.filter(revision__lte=revision)
        .order_by("-revision", "-history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    items = checklist.items.order_by("position")
    if since is None:
        return list(items)
    changed = set(
        # "+" rows are the items' creation at issuance, just after the list's first record.
        ChecklistItem.history.filter(checklist_id=checklist.pk, history_date__gt=since)
        .exclude(history_type="+")
        .values_list("id", flat=True)
        .distinct()
    ) | set(
        ChecklistEvidence.objects.filter(
            item__checklist=checklist, uploaded_at__gt=since
        ).values_list("item_id", flat=True)
    )
    return [item for item in items if item.pk in changed]
