"""User names for new accounts: the organisation's code in lower case, which the
secretary finds on the slip, on every page of their organisation and in every file
exchanged with the 组织部 (docs/decisions.md says why not the mobile number).

secretary: `qh0301`, leader: `qh0301-ld`, staff: `qh0301-zzb` (组织部). A name already
taken (a former secretary's account is kept, deactivated, with its history) gets the
first free number: `qh0301-2`, `qh0301-3` …
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.roles import Role

from ..models import User

SUFFIX = {Role.SECRETARY: "", Role.LEADER: "-ld", Role.STAFF: "-zzb"}
#: what a typed user name may hold: what Django's validator allows, in ASCII only, so
#: that it can be typed on any keyboard and printed on the slip
TYPED_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,149}$")


def base_username(organization: Organization, role: str) -> str:
    return f"{organization.code.lower()}{SUFFIX.get(role, '')}"


def taken_usernames(bases: Iterable[str]) -> set[str]:
    """The user names already in use that start with one of `bases` (one query)."""
    bases = sorted(set(bases))
    if not bases:
        return set()
    # Case-insensitively: "QH0301" and "qh0301" would be two accounts nobody can tell apart.
    condition = Q()
    for base in bases:
        condition |= Q(username__istartswith=base)
    names = User.objects.filter(condition).values_list("username", flat=True)
    return {name.lower() for name in names}


def free_username(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` … whichever is not in `taken`; the choice is added to
    `taken` so that one batch never hands out a name twice."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


def checked_username(typed: str) -> str:
    """A user name typed by staff: lower case ASCII, and not in use (in any case)."""
    username = typed.strip().lower()
    if not TYPED_USERNAME.fullmatch(username):
        raise ValidationError(
            {
                "username": _(
                    "用户名只能由小写字母、数字和“.”“_”“-”“@”“+”组成，"
                    "以字母或数字开头，至少 2 个字符。"
                )
            }
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名“%(name)s”已被使用。") % {"name": username}})
    return username
