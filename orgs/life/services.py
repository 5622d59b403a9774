"""Organisation life records (组织生活): who may record them, the rules, and the writes.

Staff with write scope record for any organisation of their subtrees. A secretary records
for the organisation they hold the `secretary` role on (and its subtree) — organisation life
records only: the secretary role grants nothing else. Leaders read only.

A record's 应到/实到 are typed in, or follow from its attendance by name once that is
recorded (the members app; orgs.life.providers): then they change only with the names.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.stored_files import delete_file_row, guarded_write, store_file
from core.uploads import upload_errors

from ..choices import MeetingKind
from ..models import Organization
from ..roles import Role
from ..scope import can_edit_path, path_allowed
from .models import OrgLifeAttachment, OrgLifeRecord
from .providers import AttendanceTally, attendance_tallies

RECORDER_ROLES: tuple[str, ...] = (Role.STAFF, Role.SECRETARY)
TOPIC_MAX = 200
#: PositiveSmallIntegerField's ceiling; no branch comes near it
HEADCOUNT_MAX = 32767
MAX_FILES = 20


def can_record_life(user: Any, organization: Organization) -> bool:
    """Staff with write scope on the organisation, or a secretary of it or an ancestor."""
    return path_allowed(user, organization.path, RECORDER_ROLES)


def can_change_life_record(user: Any, record: OrgLifeRecord) -> bool:
    """Staff of the organisation, or the secretary who recorded it (while still its
    secretary)."""
    path = record.organization.path
    if can_edit_path(user, path):
        return True
    return (
        record.recorded_by_id is not None
        and record.recorded_by_id == getattr(user, "pk", None)
        and path_allowed(user, path, (Role.SECRETARY,))
    )


def life_record_errors(
    *,
    kind: str,
    held_on: datetime.date | None,
    topic: str,
    expected: int | None,
    present: int | None,
    files: Sequence[Any] = (),
    today: datetime.date | None = None,
    named: AttendanceTally | None = None,
) -> dict[str, list[str]]:
    """Chinese messages per field for values that break the rules (empty when fine).
    `named`: the record's attendance by name, which the head counts must match."""
    errors: dict[str, list[str]] = {}
    today = today or timezone.localdate()
    if kind not in MeetingKind.values:
        errors["kind"] = [
            _("会议类型：请从以下选择：%(allowed)s。")
            % {"allowed": "、".join(str(label) for label in MeetingKind.labels)}
        ]
    if held_on is None:
        errors["held_on"] = [_("召开日期：必填，格式为 YYYY-MM-DD。")]
    elif held_on > today:
        errors["held_on"] = [
            _("召开日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}
        ]
    topic = (topic or "").strip()
    if not topic:
        errors["topic"] = [_("主题：必填，请写明会议主题。")]
    elif len(topic) > TOPIC_MAX:
        errors["topic"] = [
            _("主题不能超过 %(max)d 个字符（现为 %(len)d 个）。")
            % {"max": TOPIC_MAX, "len": len(topic)}
        ]
    if expected is None:
        errors["expected"] = [_("应到人数：必填。")]
    elif expected < 1:
        errors["expected"] = [_("应到人数至少为 1。")]
    elif expected > HEADCOUNT_MAX:
        errors["expected"] = [_("应到人数不能超过 %(max)d。") % {"max": HEADCOUNT_MAX}]
    if present is None:
        errors["present"] = [_("实到人数：必填。")]
    elif present < 0:
        errors["present"] = [_("实到人数不能小于 0。")]
    elif expected is not None and "expected" not in errors and present > expected:
        errors["present"] = [
            _("实到人数（%(present)d）不能多于应到人数（%(expected)d）。")
            % {"present": present, "expected": expected}
        ]
    if named is not None and (expected, present) != (named.expected, named.present):
        errors["expected"] = [
            _(
                "这次会议已按名单登记出席，应到 %(e)d 人、实到 %(p)d 人由名单计算；"
                "如需修改，请修改出席名单。"
            )
            % {"e": named.expected, "p": named.present}
        ]
        errors.pop("present", None)
    files = list(files)
    if len(files) > MAX_FILES:
        errors["files"] = [_("照片或文件一次最多 %(n)d 个。") % {"n": MAX_FILES}]
    else:
        for upload in files:
            problems, _found = upload_errors(upload)
            errors.setdefault("files", []).extend(
                _("照片或文件“%(name)s”：%(problem)s") % {"name": upload.name, "problem": p}
                for p in problems
            )
        if not errors.get("files"):
            errors.pop("files", None)
    return errors


def _attach(user: Any, record: OrgLifeRecord, uploads: Iterable[Any], stored: list) -> None:
    for upload in uploads:
        store_file(OrgLifeAttachment(record=record), upload, user=user, stored=stored)


def life_record_create(
    *,
    user: Any,
    organization: Organization,
    kind: str,
    held_on: datetime.date | None,
    topic: str,
    expected: int | None,
    present: int | None,
    minutes: str = "",
    files: Sequence[Any] = (),
) -> OrgLifeRecord:
    """Record a meeting with its photos/scans, all or nothing."""
    if not can_record_life(user, organization):
        raise PermissionDenied(_("您不能为该组织录入组织生活记录。"))
    files = list(files)
    errors = life_record_errors(
        kind=kind, held_on=held_on, topic=topic, expected=expected, present=present, files=files
    )
    if errors:
        raise ValidationError(errors)

    def write(stored: list) -> OrgLifeRecord:
        record = OrgLifeRecord(
            organization=organization,
            kind=kind,
            held_on=held_on,
            topic=topic.strip(),
            expected=expected,
            present=present,
            minutes=(minutes or "").strip(),
            recorded_by=user,
        )
        record._history_user = user
        record.save()
        _attach(user, record, files, stored)
        return record

    return guarded_write(write)


def life_record_update(
    *,
    user: Any,
    record: OrgLifeRecord,
    kind: str,
    held_on: datetime.date | None,
    topic: str,
    expected: int | None,
    present: int | None,
    minutes: str = "",
    files: Sequence[Any] = (),
    remove: Iterable[int] = (),
) -> OrgLifeRecord:
    """Change a record, add files and remove the attachments listed in `remove`."""
    if not can_change_life_record(user, record):
        raise PermissionDenied(_("您不能修改这条组织生活记录。"))
    files = list(files)
    errors = life_record_errors(
        kind=kind,
        held_on=held_on,
        topic=topic,
        expected=expected,
        present=present,
        files=files,
        named=attendance_tallies([record.pk]).get(record.pk),
    )
    if errors:
        raise ValidationError(errors)
    remove_ids = set(remove)

    def write(stored: list) -> OrgLifeRecord:
        locked = OrgLifeRecord.objects.select_for_update().get(pk=record.pk)
        locked.kind = kind
        locked.held_on = held_on
        locked.topic = topic.strip()
        locked.expected = expected
        locked.present = present
        locked.minutes = (minutes or "").strip()
        locked._history_user = user
        gone = list(locked.attachments.filter(pk__in=remove_ids))
        if gone:
            locked._change_reason = _("删除附件：%(names)s") % {
                "names": "、".join(a.original_name for a in gone)
            }
        elif files:
            locked._change_reason = _("新增附件 %(n)d 个") % {"n": len(files)}
        locked.save()
        for attachment in gone:
            delete_file_row(attachment)  # its file goes once the deletion is committed
        _attach(user, locked, files, stored)
        return locked

    return guarded_write(write)


@transaction.atomic
def life_record_delete(*, user: Any, record: OrgLifeRecord) -> None:
    if not can_change_life_record(user, record):
        raise PermissionDenied(_("您不能删除这条组织生活记录。"))
    for attachment in record.attachments.all():
        delete_file_row(attachment)  # its file goes once the deletion is committed
    record._history_user = user
    record.delete()
