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


def make_member(org: Organization, *, seq: int | None = None, **fields):
    """A valid current member of `org` (ID number, dates and gender consistent)."""
    import datetime

    from members.models import Member
    from tests.helpers import id_number

    seq = seq if seq is not None else next(_codes)
    female = fields.pop("female", False)
    birth = fields.pop("birth", "1980-05-17")
    values = {
        "name": "李红" if female else "王建国",
        "id_number": id_number(birth, female=female, seq=seq),
        "gender": "F" if female else "M",
        "ethnicity": "01",
        "birth_date": datetime.date.fromisoformat(birth),
        "education": "bachelor",
        "category": "full",
        "joined_on": datetime.date(2005, 7, 1),
        "confirmed_on": datetime.date(2006, 7, 1),
        "job": "farmer",
        "phone": "13912345678",
    }
    values.update(fields)
    member = Member(organization=org, **values)
    member.full_clean()
    member.save()
    return member
