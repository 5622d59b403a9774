"""Short texts an audit event keeps about the people and records it names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User


@dataclass(frozen=True)
class UserScope:
    label: str  # "清河县（staff）、柳林村（secretary）"
    organization_id: int | None  # the highest organisation the user holds a role on


NO_SCOPE = UserScope("", None)


def user_scope(user: Any) -> UserScope:
    """The user's assignments at this moment, in one query. Read fresh (not through the
    request's scope cache): a grant in the same request must show."""
    if user is None or not getattr(user, "pk", None):
        return NO_SCOPE
    rows = list(
        user.assignments.order_by("organization__depth", "organization__path", "role").values_list(
            "organization__name", "role", "organization_id"
        )
    )
    label = "、".join(f"{name}（{role}）" for name, role, _org in rows)
    if user.is_superuser:
        label = "、".join(filter(None, [_("系统管理员"), label]))
    return UserScope(label or _("无管辖范围"), rows[0][2] if rows else None)


def user_by_name(username: str) -> User | None:
    """The account a typed username names, if any (failed sign-ins, lockouts)."""
    if not username:
        return None
    return User.objects.filter(username=username).first()


def member_label(member: Any) -> str:
    """A member as the audit trail names them: the name and the masked ID number."""
    return f"{member.name}（{member.masked_id_number}）"
