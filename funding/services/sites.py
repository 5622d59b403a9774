"""Venue projects: stage moves (forward with dates, back only with a reason) and files."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.stored_files import delete_file_row, guarded_write, store_file
from core.uploads import upload_errors

from ..choices import STAGE_ORDER, STAGES_FINISHED, STAGES_STARTED, ProjectStage
from ..models import StageChange, VenueAttachment, VenueProject


def stage_label(stage: str) -> str:
    return str(ProjectStage(stage).label)


def stage_move_errors(
    project: VenueProject, to_stage: str, on: datetime.date | None, reason: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if to_stage not in STAGE_ORDER:
        errors["to_stage"] = [_("请选择状态。")]
        return errors
    if to_stage == project.stage:
        errors["to_stage"] = [_("项目已处于“%(s)s”。") % {"s": stage_label(to_stage)}]
    backwards = STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(project.stage)
    if backwards and not reason.strip():
        errors["reason"] = [
            _("从“%(a)s”退回“%(b)s”须填写原因。")
            % {"a": stage_label(project.stage), "b": stage_label(to_stage)}
        ]
    if on is None:
        errors["on"] = [_("请填写日期。")]
    elif on > timezone.localdate():
        errors["on"] = [_("不能晚于今天。")]
    else:
        # The first record of a project (from_stage empty) is dated when it was entered,
        # which says nothing about when work happened: only real moves bound the date.
        last = project.stage_changes.exclude(from_stage="").order_by("-pk").first()
        if last and not backwards and on < last.changed_on:
            errors.setdefault("on", []).append(
                _("不能早于上一次状态变更（%(day)s）。") % {"day": last.changed_on.isoformat()}
            )
        if to_stage in STAGES_FINISHED and project.started_on and on < project.started_on:
            errors.setdefault("on", []).append(
                _("竣工日期不能早于开工日期 %(day)s。") % {"day": project.started_on.isoformat()}
            )
    return errors


@transaction.atomic
def stage_move(
    *,
    user: Any,
    project: VenueProject,
    to_stage: str,
    on: datetime.date,
    reason: str = "",
) -> StageChange:
    """Move a project to another stage. Forward moves set the start/completion dates
    that the stage needs; going back needs a reason and clears what no longer holds."""
    project = VenueProject.objects.select_for_update().get(pk=project.pk)
    errors = stage_move_errors(project, to_stage, on, reason)
    if errors:
        raise ValidationError(errors)
    change = StageChange(
        project=project,
        from_stage=project.stage,
        to_stage=to_stage,
        changed_on=on,
        reason=reason.strip(),
        changed_by=user,
    )
    if to_stage in STAGES_STARTED and project.started_on is None:
        project.started_on = on
    if to_stage in STAGES_FINISHED and project.completed_on is None:
        project.completed_on = on
    if to_stage not in STAGES_FINISHED:
        project.completed_on = None
    if to_stage not in STAGES_STARTED:
        project.started_on = None
    project.stage = to_stage
    project._history_user = user
    project._change_reason = _("状态：%(a)s → %(b)s") % {
        "a": stage_label(change.from_stage),
        "b": stage_label(to_stage),
    } + (f"（{change.reason}）" if change.reason else "")
    project.save()
    change.save()
    return change


# --- attachments ---------------------------------------------------------------------
def attachment_add(
    *, user: Any, project: VenueProject, upload: Any, caption: str = ""
) -> VenueAttachment:
    """Store a photo or PDF of `project` (content sniffing and the size limit are those of
    every evidence file, core.uploads); a failed write leaves no file behind."""
    errors, found = upload_errors(upload)
    if errors:
        raise ValidationError({"file": errors})
    content_type, kind = found
    attachment = VenueAttachment(project=project, kind=kind, caption=caption)
    return guarded_write(
        lambda stored: store_file(
            attachment, upload, user=user, content_type=content_type, stored=stored
        )
    )


@transaction.atomic
def attachment_delete(*, user: Any, attachment: VenueAttachment) -> None:
    delete_file_row(attachment)
