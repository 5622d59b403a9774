"""Granting roles. `manage.py grant`, seed_demo and the tests all use grant()."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.roles import Role
from orgs.scope import forget_scope

from .models import Assignment, User


@dataclass(frozen=True)
class GrantResult:
    user: User
    user_created: bool
    assignment_created: bool


@transaction.atomic
def grant(
    *,
    username: str,
    org_code: str,
    role: str,
    password: str | None = None,
    full_name: str = "",
) -> GrantResult:
    """Create the user if needed and give them `role` on `org_code`'s subtree. Idempotent.

    A password, when given, is checked by the configured validators and set (also for an
    existing user); a new user without one cannot log in until a password is set.
    """
    if role not in Role.values:
        raise ValidationError(_("角色只能是：%(roles)s。") % {"roles": "、".join(Role.values)})
    org = Organization.objects.filter(code=org_code).first()
    if org is None:
        raise ValidationError(_("组织代码不存在：%(code)s") % {"code": org_code})
    user, user_created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name}
    )
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
        user.save()
    elif user_created:
        user.set_unusable_password()
        user.save()
    _assignment, assignment_created = Assignment.objects.get_or_create(
        user=user, organization=org, role=role
    )
    forget_scope(user)
    return GrantResult(user, user_created, assignment_created)


FULL_PERSONAL_DATA = ("members", "view_full_personal_data")


def set_full_personal_data(user: User, allowed: bool) -> None:
    """Give or take the explicit permission to see ID numbers and phones unmasked.

    Named by app label and codename: accounts does not import the members app.
    """
    from django.contrib.auth.models import Permission

    app_label, codename = FULL_PERSONAL_DATA
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    if allowed:
        user.user_permissions.add(permission)
    else:
        user.user_permissions.remove(permission)
