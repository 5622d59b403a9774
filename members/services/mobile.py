"""Mobile members (流动党员): away from their organisation without a transfer.

Losing contact for six months (settings.MOBILE_LOST_CONTACT_MONTHS) is a warning to the
branch, which decides on 停止党籍 itself — the portal never changes a status on its own.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import add_months
from orgs.models import Organization
from orgs.scope import can_edit_path

from ..models import Member
from ..models.member import MemberQuerySet


def lost_contact_months() -> int:
    return settings.MOBILE_LOST_CONTACT_MONTHS


def lost_contact_cutoff(today: datetime.date) -> datetime.date:
    """Last contact on or before this day means contact is lost."""
    return add_months(today, -lost_contact_months())


def lost_contact_q(today: datetime.date) -> Q:
    return Q(last_contact_on__isnull=True) | Q(last_contact_on__lte=lost_contact_cutoff(today))


def mobile_members(queryset: MemberQuerySet) -> MemberQuerySet:
    """Current (在册) mobile members of an already scoped queryset."""
    return queryset.active().filter(is_mobile=True)


def lost_contact_members(*, org: Organization, today: datetime.date) -> MemberQuerySet:
    """Mobile members of `org`'s subtree with no contact recorded, or none for the
    configured number of months (one query when evaluated)."""
    return (
        mobile_members(Member.objects.within(org))
        .filter(lost_contact_q(today))
        .select_related("organization")
        .order_by("organization__path", "last_contact_on", "name", "pk")
    )


def is_lost_contact(member: Member, today: datetime.date) -> bool:
    return member.is_mobile and (
        member.last_contact_on is None or member.last_contact_on <= lost_contact_cutoff(today)
    )


def record_contact(*, user: Any, member: Member, on: datetime.date | None) -> Member:
    """The branch reached the mobile member on `on`."""
    if not can_edit_path(user, member.organization.path):
        raise PermissionDenied(_("您不能修改该党员的信息。"))
    if not member.is_mobile:
        raise ValidationError(_("该党员不是流动党员。"))
    if on is None:
        raise ValidationError({"on": _("请填写联系日期。")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("不能晚于今天。")})
    if member.last_contact_on and on < member.last_contact_on:
        raise ValidationError(
            {
                "on": _("早于已记录的最近联系日期（%(day)s）。")
                % {"day": member.last_contact_on.isoformat()}
            }
        )
    member.last_contact_on = on
    member._history_user = user
    member._change_reason = _("记录与流动党员的联系")
    member.save(update_fields=["last_contact_on", "updated_at"])
    return member
