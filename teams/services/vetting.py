"""Writing the 书记 (and other post) candidates of a village or community, their 资格联审
(one result per body) and their 县级备案.

The review passes when 纪检监察, 公安 and 信访 all passed and no body failed
(Candidate.vetting_state); only then may the county file the candidate. A filed candidate
is settled: the results it was filed on no longer change.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.submissions import claim, settle

from ..choices import REQUIRED_VETTING_BODIES, VettingBody
from ..models import Candidate, VettingCheck
from .postings import check_may_edit, check_person, check_village, store_person

CANDIDATE_KEY = ("organization", "id_number", "position")


def candidate_url(candidate: Candidate) -> str:
    return reverse("teams:candidate", args=[candidate.organization.code, candidate.pk])


def _duplicate(candidate: Candidate) -> str:
    return _("该人员已是本组织的%(position)s人选。") % {
        "position": candidate.get_position_display()
    }


def _locked(candidate: Candidate) -> Candidate:
    """The candidate re-read under a row lock: two reviewers recording at once each see
    the other's result before deciding (filing needs them all)."""
    return Candidate.objects.select_for_update().select_related("organization").get(pk=candidate.pk)


@transaction.atomic
def save_candidate(
    *, user: Any, candidate: Candidate, submission: uuid.UUID | None = None
) -> Candidate:
    """Propose (`candidate.pk` None) or correct a candidate. `submission`, the proposal
    form's one-time token, makes a repeated post save nothing."""
    check_may_edit(user, candidate.organization)
    claimed = claim(submission, user=user)
    check_village(candidate.organization, _("村（社区）换届人选"))
    errors: dict[str, list[str]] = {}
    if candidate.proposed_on and candidate.proposed_on > timezone.localdate():
        errors["proposed_on"] = [_("提名日期不能晚于今天。")]
    if candidate.pk is not None:
        errors.update(_settled_changes(candidate))
    check_person(candidate, key=CANDIDATE_KEY, duplicate=_duplicate(candidate), errors=errors)
    store_person(candidate, user=user, duplicate=_duplicate(candidate))
    settle(claimed, candidate_url(candidate))
    return candidate


def _settled_changes(candidate: Candidate) -> dict[str, list[str]]:
    """A filed candidate stays the person and post the county filed."""
    stored = Candidate.objects.filter(pk=candidate.pk).values("filed_on", "id_number", "position")
    before = stored.first()
    if before is None or before["filed_on"] is None:
        return {}
    message = _("已县级备案的人选不能更改。")
    return {
        field: [message]
        for field in ("id_number", "position")
        if before[field] != getattr(candidate, field)
    }


@transaction.atomic
def record_check(
    *,
    user: Any,
    candidate: Candidate,
    body: str,
    passed: bool | None,
    reason: str,
    checked_on: datetime.date | None,
) -> VettingCheck:
    """Record one body's result (a second result of the same body replaces the first).
    A failed result needs its reason."""
    check_may_edit(user, candidate.organization)
    candidate = _locked(candidate)
    if candidate.filed_on is not None:
        raise ValidationError(
            _("该人选已于 %(day)s 县级备案，联审结果不能再修改。")
            % {"day": candidate.filed_on.isoformat()}
        )
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if body not in VettingBody.values:
        errors["body"] = [_("联审单位：请选择。")]
    if passed is None:
        errors["passed"] = [_("联审结果：请选择“通过”或“未通过”。")]
    elif not passed and not reason:
        errors["reason"] = [_("未通过时必须填写原因。")]
    if checked_on is None:
        errors["checked_on"] = [_("联审日期：必填，格式为 YYYY-MM-DD。")]
    elif checked_on > timezone.localdate():
        errors["checked_on"] = [_("联审日期不能晚于今天。")]
    elif checked_on < candidate.proposed_on:
        errors["checked_on"] = [
            _("联审日期不能早于提名日期（%(day)s）。") % {"day": candidate.proposed_on.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    check = VettingCheck.objects.filter(candidate=candidate, body=body).first()
    check = check or VettingCheck(candidate=candidate, body=body)
    check.passed = bool(passed)
    check.reason = reason
    check.checked_on = checked_on
    check._history_user = user
    check.full_clean()
    check.save()
    return check


@transaction.atomic
def file_candidate(*, user: Any, candidate: Candidate, filed_on: datetime.date | None) -> Candidate:
    """Record the 县级备案 of a candidate whose review passed."""
    check_may_edit(user, candidate.organization)
    candidate = _locked(candidate)
    checks = list(candidate.checks.all())
    state = candidate.vetting_state(checks)
    if state != "passed":
        needed = "、".join(str(VettingBody(body).label) for body in _missing(checks))
        message = (
            _("资格联审未通过，不能县级备案。")
            if state == "failed"
            else _("资格联审尚未完成（还需 %(bodies)s 的通过意见），不能县级备案。")
            % {"bodies": needed}
        )
        raise ValidationError(message)
    errors: dict[str, list[str]] = {}
    last_check = max(c.checked_on for c in checks)
    if filed_on is None:
        errors["filed_on"] = [_("备案日期：必填，格式为 YYYY-MM-DD。")]
    elif filed_on > timezone.localdate():
        errors["filed_on"] = [_("备案日期不能晚于今天。")]
    elif filed_on < last_check:
        errors["filed_on"] = [
            _("备案日期不能早于最后一项联审的日期（%(day)s）。") % {"day": last_check.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    candidate.filed_on = filed_on
    candidate._history_user = user
    candidate._change_reason = _("县级备案")
    candidate.save(update_fields=["filed_on", "updated_at"])
    return candidate


def _missing(checks: list[VettingCheck]) -> list[str]:
    passed = {c.body for c in checks if c.passed}
    return [body for body in REQUIRED_VETTING_BODIES if body not in passed]


@transaction.atomic
def delete_candidate(*, user: Any, candidate: Candidate) -> None:
    """Remove a candidate entered by mistake or withdrawn, with the results recorded."""
    check_may_edit(user, candidate.organization)
    for check in candidate.checks.all():
        check._history_user = user
        check.delete()
    candidate._history_user = user
    candidate.delete()
