"""Who acts in the demo county: the demo accounts by name, and the secretaries' accounts.

Every organisation below the county has a secretary account (`sec-<code>`, created by
`seed_demo` without a password, so nobody can sign in with it; 柳林村 has the demo
`secretary` instead). Lists are filled and meetings recorded by them through the same
services a secretary's page uses, so the history names the secretary who did it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from orgs.models import Organization
from orgs.roles import Role

STAFF = "staff"
TOWN_STAFF = "town_staff"


def branch_secretary_username(code: str) -> str:
    return f"sec-{code.lower()}"


def account(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def secretary_of(org: Organization) -> Any:
    """The organisation's secretary account, if it has one."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            assignments__organization=org,
            assignments__role=Role.SECRETARY,
        )
        .order_by("username")
        .first()
    )
