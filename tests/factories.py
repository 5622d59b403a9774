"""Builders for test data; they go through the same services as the portal."""

from __future__ import annotations

import itertools

from accounts.models import User
from accounts.services import grant
from orgs.models import Organization

_codes = itertools.count(1)


def make_org(
    parent: Organization | None = None,
    *,
    code: str | None = None,
    name: str | None = None,
    kind: str = "branch",
    level: str = "village",
    domain: str = "rural",
    **fields,
) -> Organization:
    code = code or f"T{next(_codes):04d}"
    org = Organization(
        code=code, name=name or f"测试组织{code}", kind=kind, level=level, domain=domain, **fields
    )
    if parent is None:
        return Organization.objects.add_root(instance=org)
    return Organization.objects.add_child(Organization.objects.get(pk=parent.pk), instance=org)


def make_user(
    username: str, org: Organization, role: str, password: str = "pw-for-tests-1"
) -> User:
    user = grant(username=username, org_code=org.code, role=role).user
    user.set_password(password)
    user.save()
    return user
