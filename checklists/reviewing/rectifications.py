"""Rectifications (整改): the secretary reports what was done, the reviewer closes it
(销号) or changes what it asks for, by when and of whom. A report and a close arriving
together are applied one after the other, each on the stored status."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import RectificationStatus
from ..models import Rectification
from .permissions import can_close_rectification, can_edit_rectification, can_report_rectification

REPORT_MAX = 2000
REQUIREMENT_MAX = 2000
RESPONSIBLE_MAX = 30


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
