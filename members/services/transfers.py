"""Transfers of membership (组织关系转接): one member record moves, it is never copied.

Inside the county a transfer waits (待接收) until the receiving organisation accepts or
returns it; until then the member stays in — and is the responsibility of — the sending
organisation. A transfer out of the county is recorded at once: the member's status becomes
已转出 with the destination, and the record stays for the county's history.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.scope import WRITE_ROLES, can_edit_path, scope_q

from ..choices import MemberStatus
from ..models import Member, Transfer, TransferKind, TransferState

_ONE_PENDING = _("该党员已有一笔待接收的组织关系转接，请先等待对方接收或退回。")


def _check_day(on: datetime.date | None, *, not_before: datetime.date | None = None) -> None:
    if on is None:
        raise ValidationError({"on": _("请填写日期。")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("不能晚于今天。")})
    if not_before and on < not_before:
        raise ValidationError(
            {"on": _("不能早于申请日期（%(day)s）。") % {"day": not_before.isoformat()}}
        )


def _save(instance: Any, user: Any, reason: str) -> None:
    instance._history_user = user
    instance._change_reason = reason
    instance.save()


@transaction.atomic
def transfer_request(
    *,
    user: Any,
    member: Member,
    reason: str,
    on: datetime.date | None,
    to_organization: Organization | None = None,
    destination: str = "",
) -> Transfer:
    """Start a transfer inside the county (to_organization) or record one out of it
    (destination). Only staff who may edit the member's organisation may do this."""
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=member.pk)
    )
    if not can_edit_path(user, member.organization.path):
        raise PermissionDenied(_("只有转出党组织的工作人员才能办理转出。"))
    destination = (destination or "").strip()
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not member.is_active:
        errors.setdefault("__all__", []).append(
            _("该党员当前党籍状态为“%(status)s”，不能办理转接。")
            % {"status": MemberStatus(member.status).label}
        )
    if not reason:
        errors.setdefault("reason", []).append(_("请填写转接原因。"))
    if (to_organization is None) == (not destination):
        errors.setdefault("to_organization", []).append(
            _("请选择县内接收党组织，或填写转往本县以外的单位（二者选一）。")
        )
    if to_organization is not None and to_organization.pk == member.organization_id:
        errors.setdefault("to_organization", []).append(_("接收党组织与所在党组织相同。"))
    if errors:
        raise ValidationError(errors)
    _check_day(on)
    if Transfer.objects.filter(member=member, state=TransferState.PENDING).exists():
        raise ValidationError(_ONE_PENDING)

    transfer = Transfer(
        member=member,
        from_organization=member.organization,
        reason=reason,
        requested_on=on,
        requested_by=user,
    )
    if to_organization is not None:
        transfer.kind = TransferKind.INTERNAL
        transfer.to_organization = to_organization
        transfer.state = TransferState.PENDING
        note = _("申请转往 %(org)s") % {"org": to_organization.name}
    else:
        transfer.kind = TransferKind.OUTBOUND
        transfer.destination = destination
        transfer.state = TransferState.COMPLETED
        transfer.decided_on = on
        transfer.decided_by = user
        note = _("转出本县：%(dest)s") % {"dest": destination}
    try:
        # A savepoint, so that losing a race to a second request leaves a usable
        # transaction behind for the friendly message.
        with transaction.atomic():
            _save(transfer, user, note)
    except IntegrityError:
        raise ValidationError(_ONE_PENDING) from None

    if transfer.kind == TransferKind.OUTBOUND:
        member.status = MemberStatus.TRANSFERRED_OUT
        member.status_changed_on = on
        member.status_note = destination[:200]
        _save(member, user, note)
    return transfer


def _pending_for_receiver(user: Any, transfer: Transfer) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "to_organization", "from_organization")
        .get(pk=transfer.pk)
    )
    if transfer.to_organization is None or not can_edit_path(user, transfer.to_organization.path):
        raise PermissionDenied(_("只有接收党组织的工作人员才能接收或退回。"))
    if transfer.state != TransferState.PENDING:
        raise ValidationError(
            _("该转接已办结（%(state)s），不能再次处理。")
            % {"state": TransferState(transfer.state).label}
        )
    return transfer


@transaction.atomic
def transfer_accept(
    *, user: Any, transfer: Transfer, on: datetime.date | None, note: str = ""
) -> Transfer:
    """The receiving organisation accepts: the member record moves there."""
    transfer = _pending_for_receiver(user, transfer)
    _check_day(on, not_before=transfer.requested_on)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    if member.organization_id != transfer.from_organization_id or not member.is_active:
        raise ValidationError(
            _("该党员的组织关系或党籍状态在申请后已有变化，请退回后由转出方重新办理。")
        )
    transfer.state = TransferState.ACCEPTED
    transfer.decided_on = on
    transfer.decided_by = user
    transfer.decision_note = (note or "").strip()
    _save(transfer, user, _("已接收"))
    member.organization = transfer.to_organization
    _save(
        member,
        user,
        _("组织关系由 %(src)s 转入 %(dst)s")
        % {"src": transfer.from_organization.name, "dst": transfer.to_organization.name},
    )
    return transfer


@transaction.atomic
def transfer_return(
    *, user: Any, transfer: Transfer, on: datetime.date | None, note: str
) -> Transfer:
    """The receiving organisation sends it back (with the reason); the member stays."""
    transfer = _pending_for_receiver(user, transfer)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("退回时请填写原因。")})
    _check_day(on, not_before=transfer.requested_on)
    transfer.state = TransferState.RETURNED
    transfer.decided_on = on
    transfer.decided_by = user
    transfer.decision_note = note
    _save(transfer, user, _("已退回：%(note)s") % {"note": note})
    return transfer


# --- selectors -------------------------------------------------------------------------
def pending_transfers_for(user: Any) -> dict[str, list[Transfer]]:
    """Pending transfers the user's organisations are waiting to receive ("incoming") and
    have sent ("outgoing"), each a list (one query each)."""
    pending = Transfer.objects.filter(state=TransferState.PENDING).select_related(
        "member", "from_organization", "to_organization", "requested_by"
    )
    return {
        "incoming": list(
            pending.filter(scope_q(user, "to_organization__")).order_by("requested_on", "pk")
        ),
        "outgoing": list(
            pending.filter(scope_q(user, "from_organization__")).order_by("requested_on", "pk")
        ),
    }


def can_decide(user: Any, transfer: Transfer) -> bool:
    """Whether `user` may accept or return `transfer` now."""
    return (
        transfer.state == TransferState.PENDING
        and transfer.to_organization is not None
        and can_edit_path(user, transfer.to_organization.path)
    )


def transfers_editable_by(user: Any):
    """Transfers either end of which the user may edit (the admin's rows)."""
    return Transfer.objects.filter(
        scope_q(user, "from_organization__", WRITE_ROLES)
        | scope_q(user, "to_organization__", WRITE_ROLES)
    )
