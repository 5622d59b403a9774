"""What the team and election pages write, on top of services.committee and
services.elections: only staff who may edit the organisation, a creation form saves once
(its one-time token, core/submissions.py), a record changed meanwhile is answered with
`StaleRecord` rather than acted on twice, and the rules of a committee entered by hand.

The rules of an election's committee (`committee_errors`), from the 支部工作条例 as
docs/domain.md sums it up:
* an election elects exactly one 书记 — a branch too small for a 支部委员会 elects its
  书记 directly, so there is no organisation whose election elects none;
* a 党支部 or 联合党支部 with fewer than COMMITTEE_MIN_FULL_MEMBERS 正式党员 on the
  election day has no 支部委员会: only a 书记 and at most one 副书记;
* a 支部委员会 (党支部, 联合党支部, 党总支) has at most COMMITTEE_MAX members;
* nobody twice, and no more elected than seats when the seats are given.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.submissions import claim, settle
from members.identity import mask_id_number
from orgs.choices import OrgKind
from orgs.life.providers import branch_bodies
from orgs.life.selectors import COMMITTEE_MIN_FULL_MEMBERS, has_committee
from orgs.models import Organization
from orgs.scope import can_edit_path

from ..choices import Position
from ..models import CommitteeMember, Election
from .committee import delete_membership, end_membership, save_membership, sync_secretary
from .elections import ElectedMember, approve_election, delete_election, record_election

#: the kinds whose committee is a 支部委员会 (a 党委's is not capped here)
BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH)
#: members of a 支部委员会 at most (3–5 as a rule, never more than 7)
COMMITTEE_MAX = 7


class StaleRecord(Exception):  # noqa: N818 - a control-flow signal, not an error
    """The record the page acted on changed meanwhile (ended, approved, deleted); nothing
    was saved and `message` says what happened."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def team_url(org: Organization) -> str:
    return reverse("teams:team", args=[org.code])


def _require_editable(user: Any, org: Organization) -> None:
    if not can_edit_path(user, org.path):
        raise PermissionDenied(_("该党组织不在您可维护的范围内。"))


def _person(name: str, id_number: str) -> str:
    return f"{name}（{mask_id_number(id_number)}）" if id_number else name


# --- committee members -----------------------------------------------------------------


def add_committee_member(
    *,
    user: Any,
    membership: CommitteeMember,
    submission: uuid.UUID | None = None,
    today: datetime.date | None = None,
) -> CommitteeMember:
    """Put a person in post on the committee (a 书记 only where none is in post)."""
    org = membership.organization
    _require_editable(user, org)
    today = today or timezone.localdate()
    with transaction.atomic():
        claimed = claim(submission, user=user)
        _check_newcomer(membership, today)
        try:
            with transaction.atomic():
                save_membership(membership, today=today)
        except IntegrityError:
            raise ValidationError(
                {"id_number": _("该同志在本班子已有同一职务、同一任职日期的记录。")}
            ) from None
        settle(claimed, team_url(org))
    return membership


def _check_newcomer(membership: CommitteeMember, today: datetime.date) -> None:
    in_post = CommitteeMember.objects.filter(organization_id=membership.organization_id).in_post_on(
        today
    )
    for current in in_post:
        if membership.id_number and current.id_number == membership.id_number:
            raise ValidationError(
                {
                    "id_number": _("%(name)s已在本班子任%(post)s，请勿重复添加。")
                    % {"name": current.name, "post": current.get_position_display()}
                }
            )
        # A 书记 known by name only is the same post, absorbed by save_membership.
        same_by_name = not current.id_number and current.name == membership.name
        if (
            membership.position == Position.SECRETARY
            and current.position == Position.SECRETARY
            and not same_by_name
        ):
            raise ValidationError(
                {
                    "position": _(
                        "本组织已有书记%(name)s在任（%(day)s起）。请先为其办理离任，再添加新的书记。"
                    )
                    % {"name": current.name, "day": current.started_on.isoformat()}
                }
            )


def _locked_membership(org: Organization, pk: int) -> CommitteeMember:
    membership = CommitteeMember.objects.select_for_update().filter(organization=org, pk=pk).first()
    if membership is None:
        raise StaleRecord(_("这条班子成员记录已不存在，可能已被他人删除。"))
    return membership


def end_committee_member(
    *,
    user: Any,
    org: Organization,
    pk: int,
    ended_on: datetime.date,
    leave_reason: str,
    today: datetime.date | None = None,
) -> CommitteeMember:
    """Take a member out of post from `ended_on`; one who has already left is not
    ended again (StaleRecord)."""
    _require_editable(user, org)
    today = today or timezone.localdate()
    with transaction.atomic():
        membership = _locked_membership(org, pk)
        if membership.ended_on is not None:
            raise StaleRecord(
                _("%(name)s已于 %(day)s 离任，未再办理。")
                % {"name": membership.name, "day": membership.ended_on.isoformat()}
            )
        if ended_on > today:
            raise ValidationError({"ended_on": _("离任日期不能晚于今天。")})
        if ended_on <= membership.started_on:
            raise ValidationError(
                {
                    "ended_on": _(
                        "离任日期应晚于任职日期（%(day)s）。任职当天即离任的记录请直接删除。"
                    )
                    % {"day": membership.started_on.isoformat()}
                }
            )
        end_membership(membership, on=ended_on, reason=leave_reason)
        sync_secretary(Organization.objects.get(pk=org.pk), today=today)
    return membership


def delete_committee_member(
    *, user: Any, org: Organization, pk: int, today: datetime.date | None = None
) -> CommitteeMember:
    """Remove a row entered by mistake (its history stays)."""
    _require_editable(user, org)
    with transaction.atomic():
        membership = _locked_membership(org, pk)
        delete_membership(membership, today=today)
    return membership


# --- elections -------------------------------------------------------------------------


def committee_errors(
    org: Organization,
    *,
    held_on: datetime.date,
    seats: int | None,
    committee: Sequence[ElectedMember],
) -> list[str]:
    """What is wrong with `committee` as the committee an election of `org` elected
    (the module's docstring has the rules); [] when nothing is."""
    if not committee:
        return [_("请填写本次选举产生的班子成员（至少一名书记）。")]
    errors: list[str] = []
    secretaries = sum(1 for p in committee if p.position == Position.SECRETARY)
    if secretaries == 0:
        errors.append(_("选举产生的班子中须有一名书记。"))
    elif secretaries > 1:
        errors.append(_("选举产生的班子中只能有一名书记（现填了 %(n)d 名）。") % {"n": secretaries})
    counted = Counter(p.id_number for p in committee)
    for person in committee:
        if counted.pop(person.id_number, 1) > 1:
            errors.append(
                _("%(person)s填写了不止一次：每人只担任一个职务。")
                % {"person": _person(person.name, person.id_number)}
            )
    if seats is not None and len(committee) > seats:
        errors.append(
            _("当选 %(n)d 人，多于应选人数 %(seats)d 人。") % {"n": len(committee), "seats": seats}
        )
    if org.kind in BRANCH_KINDS:
        bodies = branch_bodies([org.pk], held_on)[org.pk]
        if not has_committee(org, bodies):
            deputies = sum(1 for p in committee if p.position == Position.DEPUTY)
            others = [
                p for p in committee if p.position not in (Position.SECRETARY, Position.DEPUTY)
            ]
            if others or deputies > 1:
                errors.append(
                    _(
                        "选举日本支部有正式党员 %(n)d 名，不足 %(min)d 名，不设支部委员会："
                        "只选举书记，必要时选举一名副书记。"
                    )
                    % {"n": bodies.full_members, "min": COMMITTEE_MIN_FULL_MEMBERS}
                )
        elif len(committee) > COMMITTEE_MAX:
            errors.append(
                _("支部委员会一般由 3 至 5 人组成，最多不超过 %(max)d 人（现填了 %(n)d 人）。")
                % {"max": COMMITTEE_MAX, "n": len(committee)}
            )
    return errors


def _election_date_errors(
    org: Organization, held_on: datetime.date, today: datetime.date
) -> dict[str, list[str]]:
    """An election entered on the page is the organisation's newest: it ends the committee
    in post on its day, which an election before the latest one must not do."""
    errors: list[str] = []
    latest = (
        Election.objects.filter(organization=org)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    if latest == held_on:
        errors.append(_("本组织已登记 %(day)s 的选举。") % {"day": held_on.isoformat()})
    elif latest is not None and latest > held_on:
        errors.append(
            _("选举日期应晚于本组织最近一次选举（%(day)s）；更早的选举请通过数据导入补录。")
            % {"day": latest.isoformat()}
        )
    later = (
        CommitteeMember.objects.filter(organization=org, started_on__gt=held_on)
        .in_post_on(today)
        .order_by("started_on")
        .first()
    )
    if later is not None:
        errors.append(
            _("现任%(post)s%(name)s的任职日期（%(day)s）晚于选举日期，请核对选举日期。")
            % {
                "post": later.get_position_display(),
                "name": later.name,
                "day": later.started_on.isoformat(),
            }
        )
    return {"held_on": errors} if errors else {}


def record_election_with_committee(
    *,
    user: Any,
    election: Election,
    committee: Sequence[ElectedMember],
    submission: uuid.UUID | None = None,
    today: datetime.date | None = None,
) -> Election:
    """Save an election and the committee it elected (services.elections.record_election).
    Refusals are a ValidationError: the election's fields by name, the committee's under
    "committee"."""
    org = election.organization
    _require_editable(user, org)
    today = today or timezone.localdate()
    with transaction.atomic():
        claimed = claim(submission, user=user)
        errors: dict[str, list] = {}
        try:
            # The key (organisation, day) is checked below with a message that says more.
            election.full_clean(validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if election.held_on and "held_on" not in errors:
            errors.update(_election_date_errors(org, election.held_on, today))
            problems = committee_errors(
                org, held_on=election.held_on, seats=election.seats, committee=committee
            )
            if problems:
                errors["committee"] = problems
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                record_election(election, committee, today=today)
        except IntegrityError:
            raise ValidationError(
                {"committee": [_("当选成员中有人在选举当天已有同一职务的任职记录，请核对。")]}
            ) from None
        settle(claimed, team_url(org))
    return election


def _locked_election(org: Organization, pk: int) -> Election:
    election = Election.objects.select_for_update().filter(organization=org, pk=pk).first()
    if election is None:
        raise StaleRecord(_("这次选举的记录已不存在，可能已被他人删除。"))
    return election


def approve_election_on(
    *,
    user: Any,
    org: Organization,
    pk: int,
    approved_on: datetime.date,
    today: datetime.date | None = None,
) -> Election:
    """Record the committee above's approval; the term starts from the election."""
    _require_editable(user, org)
    today = today or timezone.localdate()
    with transaction.atomic():
        election = _locked_election(org, pk)
        if election.approved_on is not None:
            raise StaleRecord(
                _("这次选举已于 %(day)s 批复，未再办理。")
                % {"day": election.approved_on.isoformat()}
            )
        if approved_on > today:
            raise ValidationError({"approved_on": _("批复日期不能晚于今天。")})
        return approve_election(election, approved_on=approved_on)


def delete_election_entry(*, user: Any, org: Organization, pk: int) -> Election:
    """Remove an election entered by mistake with the posts it started (those it ended
    are not restored)."""
    _require_editable(user, org)
    with transaction.atomic():
        election = _locked_election(org, pk)
        delete_election(election)
    return election
