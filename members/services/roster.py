"""Writes to the roster from the portal and the admin.

The same Member.full_clean() as the importer guards every write; the acting user and a
reason are recorded in the member's history (simple-history), which members.history reads
back for the member's page.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.submissions import claim, settle
from orgs.models import Organization
from orgs.scope import can_edit_path

from ..models import Member
from ..models.member import ALREADY_A_MEMBER


def _require_editable(user: Any, org: Organization | None) -> None:
    if org is None or not can_edit_path(user, org.path):
        raise PermissionDenied(_("该党组织不在您可维护的范围内。"))


def _save(member: Member, *, user: Any, reason: str) -> Member:
    member.full_clean()
    member._history_user = user
    member._change_reason = reason
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # Another save of the same ID number committed after full_clean() checked it.
        raise ValidationError({"id_number": [ALREADY_A_MEMBER]}) from None
    return member


def member_create(
    *, user: Any, member: Member, reason: str = "", submission: uuid.UUID | None = None
) -> Member:
    """Save a new member of an organisation the user may edit; `submission` (the form's
    one-time token) makes a repeated post save nothing (core/submissions.py)."""
    _require_editable(user, member.organization)
    with transaction.atomic():
        claimed = claim(submission, user=user)
        _save(member, user=user, reason=reason or _("新增党员"))
        settle(claimed, member.get_absolute_url())
    return member


class EditConflict(ValidationError):
    """Someone else saved the member after the editor loaded it."""


def _conflict_message(member_pk: int) -> str:
    last = (
        Member.history.filter(id=member_pk)
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    who = last.history_user.display_name if last and last.history_user else _("其他用户")
    when = timezone.localtime(last.history_date).strftime("%Y-%m-%d %H:%M") if last else ""
    return _(
        "未保存：%(who)s 于 %(when)s 修改了该党员的信息，您看到的已不是最新内容。"
        "请重新打开编辑页面，在最新信息上修改。"
    ) % {"who": who, "when": when}


def member_update(
    *,
    user: Any,
    member: Member,
    reason: str = "",
    loaded_version: datetime.datetime | None = None,
) -> Member:
    """Save changes to a member; the user must be able to edit both where the member
    was and where the member now is. With `loaded_version` (the `updated_at` the editor
    started from), a save over a newer change by someone else is refused."""
    with transaction.atomic():
        current = (
            Member.objects.select_for_update()
            .filter(pk=member.pk)
            .values_list("organization__path", "updated_at")
            .first()
        )
        if current is None or not can_edit_path(user, current[0]):
            raise PermissionDenied(_("该党员不在您可维护的范围内。"))
        if loaded_version is not None and current[1] != loaded_version:
            raise EditConflict(_conflict_message(member.pk))
        _require_editable(user, member.organization)
        return _save(member, user=user, reason=reason or _("修改党员信息"))
