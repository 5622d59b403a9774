"""Writing 选派干部 (第一书记, 工作队员, 大学生村干部 posted to a village or community), and
what every write of the people around a team shares: who may write, the ID number each
of these tables keys on, and the save that links the roster's member.

Two callers: the portal's pages (`save_posting`, `end_posting`, with the user's write
scope checked here) and the `postings` import, whose resource checks the scope of each
row itself and calls `check_posting` to validate a row and `store_posting` to save it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.submissions import claim, settle
from orgs.models import Organization
from orgs.scope import can_edit_path

from ..models import Posting
from ..models.person import PersonRecord
from ..renewal import is_village_or_community

Record = TypeVar("Record", bound=PersonRecord)


# --- shared by the people's services -----------------------------------------------------
def check_may_edit(user: Any, organization: Organization) -> None:
    """Only staff whose write scope covers the organisation change its people."""
    if not can_edit_path(user, organization.path):
        raise PermissionDenied(_("“%(org)s”不在您可维护的范围内。") % {"org": organization.name})


def check_village(organization: Organization, what: str) -> None:
    """`what` (选派干部, 村干部报酬 …) is kept for villages and communities only."""
    if not is_village_or_community(organization):
        raise ValidationError(
            _("%(what)s只登记在村、社区党组织，“%(org)s”不是。")
            % {"what": what, "org": organization.name}
        )


def check_person(
    record: PersonRecord,
    *,
    key: Sequence[str],
    duplicate: str,
    errors: dict[str, list[str]] | None = None,
) -> None:
    """The record's own rules (Model.full_clean, with Chinese messages per field), its ID
    number (required: the key of every such table) and its key, unique in the table:
    `duplicate` is the message beside the ID number when another row has the same key.
    Raises one ValidationError with these and the caller's own `errors` by field."""
    errors = {field: list(messages) for field, messages in (errors or {}).items()}
    if not record.id_number:
        errors["id_number"] = [_("公民身份号码：必填，18 位。")]
    try:
        # The key is checked below with a message that names the person's record.
        record.full_clean(exclude=["member"], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    key_known = all(getattr(record, field) not in (None, "") for field in key)
    if key_known and "id_number" not in errors and _same_key(record, key).exists():
        errors["id_number"] = [duplicate]
    if errors:
        raise ValidationError(errors)


def _same_key(record: PersonRecord, key: Sequence[str]):
    lookup = {field: getattr(record, field) for field in key}
    return type(record)._default_manager.filter(**lookup).exclude(pk=record.pk)


def store_person(record: Record, *, user: Any, duplicate: str, reason: str = "") -> Record:
    """Save a checked record: linked to the roster's member by its ID number (whose name
    it takes), with history by `user`. A twin saved meanwhile by someone else is the same
    refusal as the check's."""
    record.link_member()
    record._history_user = user
    if reason:
        record._change_reason = reason
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError({"id_number": [duplicate]}) from None
    return record


# --- postings ----------------------------------------------------------------------------
POSTING_KEY = ("organization", "id_number", "kind", "started_on")


def posting_duplicate(posting: Posting) -> str:
    return _("该人员在本村（社区）开始日期为 %(day)s 的%(kind)s记录已存在。") % {
        "day": posting.started_on.isoformat() if posting.started_on else "",
        "kind": posting.get_kind_display(),
    }


def check_posting(*, posting: Posting) -> None:
    """A posting's rules (docs/data-dictionary.md, postings): a village or community,
    the ID number, dates in order, one row per key. Raises ValidationError by field."""
    check_village(posting.organization, _("选派干部"))
    check_person(posting, key=POSTING_KEY, duplicate=posting_duplicate(posting))


def store_posting(*, posting: Posting, user: Any, reason: str = "") -> Posting:
    """Save a checked posting (the importer's save; its resource checked the scope)."""
    return store_person(posting, user=user, duplicate=posting_duplicate(posting), reason=reason)


def posting_url(posting: Posting) -> str:
    return reverse("teams:posting", args=[posting.organization.code, posting.pk])


@transaction.atomic
def save_posting(*, user: Any, posting: Posting, submission: uuid.UUID | None = None) -> Posting:
    """Add (`posting.pk` None) or change a posting from the page. `submission`, the add
    form's one-time token, makes a repeated post save nothing."""
    check_may_edit(user, posting.organization)
    claimed = claim(submission, user=user)
    check_posting(posting=posting)
    store_posting(posting=posting, user=user)
    settle(claimed, posting_url(posting))
    return posting


@transaction.atomic
def end_posting(*, user: Any, posting: Posting, ended_on: datetime.date | None) -> Posting:
    """The posting ends on `ended_on` (its first day no longer serving)."""
    check_may_edit(user, posting.organization)
    if ended_on is None:
        raise ValidationError({"ended_on": [_("结束日期：必填，格式为 YYYY-MM-DD。")]})
    posting.ended_on = ended_on
    check_posting(posting=posting)
    return store_posting(posting=posting, user=user, reason=_("结束选派"))
