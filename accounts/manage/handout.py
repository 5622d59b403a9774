"""Handing out initial passwords: the accounts a creation made become slips (one PDF per
township) in the same request and transaction, kept for their maker for ten minutes
(accounts.manage.slip_store); the page after the redirect offers them for download.

If a PDF cannot be rendered (a missing font), nothing is created: an account whose
password nobody can read would only have to be reset. If the store cannot keep the files
(the cache is down), the accounts stay and the passwords are shown once in the response
instead (`Handout.fallback`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.submissions import claim, settle

from ..models import User
from .selectors import slip_groups
from .services import BulkResult, NewAccount, account_password_reset
from .slip_store import keep_file, keep_summary
from .slips import Slip, login_address, render_slips, slips_filename


@dataclass(frozen=True)
class SlipFile:
    key: str | None
    label: str
    count: int
    filename: str


@dataclass
class Handout:
    accounts: list[NewAccount]
    remaining: int = 0
    files: list[SlipFile] = field(default_factory=list)
    summary_key: str | None = None

    @property
    def fallback(self) -> bool:
        """The store failed: the passwords must be shown in this response."""
        return bool(self.accounts) and self.summary_key is None


def result_url(summary_key: str) -> str:
    return f"{reverse('accounts:created')}?{urlencode({'batch': summary_key})}"


def summary_of(handout: Handout, reason: str) -> dict[str, Any]:
    """What the result page shows after the redirect: no password in it."""
    return {
        "reason": reason,
        "remaining": handout.remaining,
        "accounts": [
            {
                "organization": account.organization.name,
                "code": account.organization.code,
                "full_name": account.user.full_name,
                "role": account.role_label,
                "username": account.user.username,
            }
            for account in handout.accounts
        ],
        "files": [
            {"key": f.key, "label": f.label, "count": f.count, "filename": f.filename}
            for f in handout.files
        ],
    }


def slip_files(
    *, actor: Any, request: HttpRequest | None, accounts: list[NewAccount], reason: str
) -> list[SlipFile]:
    """One PDF per township of `accounts`, each kept for `actor` (key None: not kept)."""
    groups = slip_groups(account.organization for account in accounts)
    by_group: dict[int, list[NewAccount]] = {}
    for account in sorted(accounts, key=lambda a: a.organization.path):
        by_group.setdefault(groups[account.organization.pk].pk, []).append(account)
    heads = {head.pk: head for head in groups.values()}
    login_url = login_address(request)
    today = timezone.localdate()
    files = []
    for head_pk, members in sorted(by_group.items(), key=lambda item: heads[item[0]].path):
        head = heads[head_pk]
        slips = [
            Slip(
                organization_name=a.organization.name,
                organization_code=a.organization.code,
                full_name=a.user.full_name,
                role_label=a.role_label,
                username=a.user.username,
                password=a.password,
            )
            for a in members
        ]
        pdf = render_slips(group=head, slips=slips, login_url=login_url, reason=reason)
        filename = slips_filename(head, today)
        files.append(SlipFile(keep_file(actor, filename, pdf), head.name, len(slips), filename))
    return files


def create_with_slips(
    *,
    actor: Any,
    request: HttpRequest | None,
    submission: UUID | None,
    create: Callable[[], BulkResult],
    reason: str,
) -> Handout:
    """Run `create` and hand out its passwords, once per submitted form: a repeat raises
    core.submissions.RepeatedSubmission with the first one's result page."""
    with transaction.atomic():
        claimed = claim(submission, user=actor)
        result = create()
        handout = Handout(result.created, result.remaining)
        if handout.accounts:
            handout.files = slip_files(
                actor=actor, request=request, accounts=handout.accounts, reason=reason
            )
            if all(f.key for f in handout.files):
                handout.summary_key = keep_summary(actor, summary_of(handout, reason))
        target = result_url(handout.summary_key) if handout.summary_key else ""
        settle(claimed, target or reverse("accounts:missing_secretaries"))
    return handout


def reset_with_slip(
    *, actor: Any, request: HttpRequest | None, target: User, submission: UUID | None
) -> tuple[str, list[SlipFile]]:
    """Reset `target`'s password and make its slip, once per submitted form (a repeat
    raises RepeatedSubmission). The new password and the slip's file."""
    assignment = (
        target.assignments.select_related("organization")
        .order_by("organization__depth", "organization__path", "role")
        .first()
    )
    with transaction.atomic():
        claimed = claim(submission, user=actor)
        password = account_password_reset(actor=actor, target=target, request=request)
        files = []
        if assignment is not None:
            account = NewAccount(target, assignment.organization, assignment.role, password)
            files = slip_files(
                actor=actor, request=request, accounts=[account], reason=_("重置密码")
            )
        settle(claimed, reverse("accounts:users"))
    return password, files
