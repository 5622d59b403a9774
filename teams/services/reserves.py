"""Writing an organisation's 后备干部 / 换届人选 pool: people added, their 培养 notes
kept, and each marked used (made a cadre) or removed from the pool, or put back."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.submissions import claim, settle

from ..choices import ReserveStatus
from ..models import ReserveCadre
from .postings import check_may_edit, check_person, store_person

RESERVE_KEY = ("organization", "id_number")
DUPLICATE = _lazy("该人员已在本组织的后备干部库中。")


def reserve_url(reserve: ReserveCadre) -> str:
    return reverse("teams:reserve", args=[reserve.organization.code, reserve.pk])


@transaction.atomic
def save_reserve(
    *, user: Any, reserve: ReserveCadre, submission: uuid.UUID | None = None
) -> ReserveCadre:
    """Add (`reserve.pk` None) or change someone of the pool. `submission`, the add
    form's one-time token, makes a repeated post save nothing."""
    check_may_edit(user, reserve.organization)
    claimed = claim(submission, user=user)
    errors: dict[str, list[str]] = {}
    if reserve.added_on and reserve.added_on > timezone.localdate():
        errors["added_on"] = [_("纳入日期不能晚于今天。")]
    check_person(reserve, key=RESERVE_KEY, duplicate=str(DUPLICATE), errors=errors)
    store_person(reserve, user=user, duplicate=str(DUPLICATE))
    settle(claimed, reserve_url(reserve))
    return reserve


STATUS_REASONS = {
    ReserveStatus.ACTIVE: _lazy("恢复储备"),
    ReserveStatus.USED: _lazy("已使用"),
    ReserveStatus.REMOVED: _lazy("调出储备"),
}


@transaction.atomic
def set_reserve_status(*, user: Any, reserve: ReserveCadre, status: str) -> ReserveCadre:
    """Mark someone of the pool used, removed, or back in the pool (a repeat changes
    nothing)."""
    check_may_edit(user, reserve.organization)
    if status not in ReserveStatus.values:
        raise ValidationError({"status": [_("状态：请选择。")]})
    if reserve.status == status:
        return reserve
    reserve.status = status
    reserve._history_user = user
    reserve._change_reason = str(STATUS_REASONS[status])
    reserve.save(update_fields=["status", "updated_at"])
    return reserve
