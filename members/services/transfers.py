"""Transfers of membership (组织关系转接): one member record moves, it is never copied.

Inside the county a transfer waits (待接收) until the receiving organisation accepts or
returns it; until then the member stays in — and is the responsibility of — the sending
organisation. A transfer out of the county is recorded at once: the member's status becomes
已转出 with the destination, and the record stays for the county's history; its 介绍信 is
printed from the portal (below: numbered per issuing county and year, never twice).

A transfer into the county from outside is registered by staff of the receiving
organisation with the sending unit's 介绍信: the person's record is created (or, for someone
who left the county earlier and comes back, the old record is found again), but stays
outside the roster (已转出, "not in the county") until the receiving organisation confirms
the arrival; then the member is 在册 there. The 回执 is recorded when it is sent back.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.choices import OrgLevel
from orgs.models import Organization
from orgs.scope import PATH_STEP, WRITE_ROLES, can_edit_path, scope_q

from ..choices import MemberStatus
from ..identity import age_on
from ..models import Member, Transfer, TransferKind, TransferState
from ..models.member import ALREADY_A_MEMBER
from .pipeline import rules

_ONE_PENDING = _("该党员已有一笔待接收的组织关系转接，请先等待对方接收或退回。")
#: what an inbound registration takes from the form onto the person's record
PERSON_FIELDS = (
    "name",
    "id_number",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "job",
    "phone",
    "category",
    "joined_on",
    "confirmed_on",
)


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
    """The receiving organisation accepts: the member record moves there (and, arriving
    from outside the county, is 在册 from this day)."""
    transfer = _pending_for_receiver(user, transfer)
    _check_day(on, not_before=transfer.requested_on)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    inbound = transfer.kind == TransferKind.INBOUND
    if inbound:
        changed = member.status != MemberStatus.TRANSFERRED_OUT
    else:
        changed = member.organization_id != transfer.from_organization_id or not member.is_active
    if changed:
        raise ValidationError(
            _("该党员的组织关系或党籍状态在申请后已有变化，请退回后由转出方重新办理。")
        )
    transfer.state = TransferState.ACCEPTED
    transfer.decided_on = on
    transfer.decided_by = user
    transfer.decision_note = (note or "").strip()
    _save(transfer, user, _("已确认报到") if inbound else _("已接收"))
    member.organization = transfer.to_organization
    if inbound:
        member.status = MemberStatus.ACTIVE
        member.status_changed_on = on
        member.status_note = ""
    _save(
        member,
        user,
        _("组织关系由 %(src)s 转入 %(dst)s")
        % {"src": transfer.source_name, "dst": transfer.to_organization.name},
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


# --- into the county ---------------------------------------------------------------------
def _check_inbound_fields(
    *,
    origin: str,
    letter_number: str,
    letter_date: datetime.date | None,
    reason: str,
    on: datetime.date | None,
) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not origin:
        errors.setdefault("origin", []).append(_("请填写转出党组织的全称（介绍信落款单位）。"))
    if not letter_number:
        errors.setdefault("origin_letter_number", []).append(_("请填写介绍信上的编号。"))
    if not reason:
        errors.setdefault("reason", []).append(_("请填写转接原因。"))
    if on is None:
        errors.setdefault("on", []).append(_("请填写日期。"))
    elif on > today:
        errors.setdefault("on", []).append(_("不能晚于今天。"))
    if letter_date is None:
        errors.setdefault("origin_letter_date", []).append(_("请填写介绍信的开具日期。"))
    elif letter_date > today:
        errors.setdefault("origin_letter_date", []).append(_("不能晚于今天。"))
    elif on is not None and letter_date > on:
        errors.setdefault("origin_letter_date", []).append(
            _("不能晚于收到介绍信的日期（%(day)s）。") % {"day": on.isoformat()}
        )
    if errors:
        raise ValidationError(errors)


def _arriving_record(user: Any, person: Member, to_organization: Organization, on) -> Member:
    """The record the arrival is about: a person who left the county earlier is found
    again and takes the form's details; anyone else on the roster gets the one answer that
    never says where; a newcomer gets a record outside the roster until confirmed."""
    person.clean_fields(exclude=["organization", "status"])
    number = person.id_number
    existing = Member.objects.select_for_update().filter(id_number=number).first()
    if existing is not None and existing.status != MemberStatus.TRANSFERRED_OUT:
        raise ValidationError({"id_number": [ALREADY_A_MEMBER]})
    if existing is None:
        member = person
        member.organization = to_organization
        member.status = MemberStatus.TRANSFERRED_OUT
        member.status_changed_on = on
        reason = _("从县外转入，登记待确认")
    else:
        member = existing
        for field in PERSON_FIELDS:
            value = getattr(person, field)
            if field == "phone" and not value:
                continue  # a blank phone keeps the one on record
            setattr(member, field, value)
        reason = _("从县外转回本县，登记待确认")
    member.status_note = _("从县外转入，待 %(org)s 确认报到") % {"org": to_organization.name}
    member.full_clean(validate_unique=False)
    member._history_user = user
    member._change_reason = reason
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # The same number saved by someone else after the look-up above.
        raise ValidationError({"id_number": [ALREADY_A_MEMBER]}) from None
    return member


@transaction.atomic
def inbound_register(
    *,
    user: Any,
    person: Member,
    to_organization: Organization | None,
    origin: str,
    origin_letter_number: str,
    origin_letter_date: datetime.date | None,
    reason: str,
    on: datetime.date | None,
) -> Transfer:
    """Register a member arriving from outside the county with the sending unit's 介绍信
    (`person`: an unsaved Member holding the form's details). Only staff of the receiving
    organisation do this; the arrival waits for its confirmation (transfer_accept)."""
    if to_organization is None or not can_edit_path(user, to_organization.path):
        raise PermissionDenied(_("只有接收党组织的工作人员才能登记转入。"))
    origin = (origin or "").strip()
    letter_number = (origin_letter_number or "").strip()
    reason = (reason or "").strip()
    _check_inbound_fields(
        origin=origin,
        letter_number=letter_number,
        letter_date=origin_letter_date,
        reason=reason,
        on=on,
    )
    member = _arriving_record(user, person, to_organization, on)
    if Transfer.objects.filter(member=member, state=TransferState.PENDING).exists():
        raise ValidationError(_ONE_PENDING)
    transfer = Transfer(
        member=member,
        kind=TransferKind.INBOUND,
        state=TransferState.PENDING,
        to_organization=to_organization,
        origin=origin,
        origin_letter_number=letter_number,
        origin_letter_date=origin_letter_date,
        reason=reason,
        requested_on=on,
        requested_by=user,
    )
    try:
        with transaction.atomic():
            _save(transfer, user, _("从 %(org)s 转入，待确认报到") % {"org": origin})
    except IntegrityError:
        raise ValidationError(_ONE_PENDING) from None
    return transfer


# --- the 回执 ---------------------------------------------------------------------------
def receipt_due(transfer: Transfer) -> bool:
    """Whether a 回执 belongs to `transfer` and is not recorded yet: the one we send back
    for an arrival confirmed, the one we await for a 介绍信 we printed."""
    if transfer.receipt_on is not None:
        return False
    if transfer.kind == TransferKind.INBOUND:
        return transfer.state == TransferState.ACCEPTED
    return transfer.kind == TransferKind.OUTBOUND and transfer.letter_number is not None


def receipt_end(transfer: Transfer) -> Organization | None:
    """The organisation whose staff record the 回执: the receiver of an arrival, the
    sender of a 介绍信."""
    if transfer.kind == TransferKind.INBOUND:
        return transfer.to_organization
    return transfer.from_organization


def can_record_receipt(user: Any, transfer: Transfer) -> bool:
    end = receipt_end(transfer)
    return receipt_due(transfer) and end is not None and can_edit_path(user, end.path)


@transaction.atomic
def transfer_record_receipt(*, user: Any, transfer: Transfer, on: datetime.date | None) -> Transfer:
    """Record the 回执: sent back to the sender of an arrival (after its confirmation), or
    received for a 介绍信 we printed (after its issue)."""
    transfer = Transfer.objects.select_for_update(of=("self",)).get(pk=transfer.pk)
    end = receipt_end(transfer)
    if end is None or not can_edit_path(user, end.path):
        raise PermissionDenied(_("只有办理该转接的党组织的工作人员才能登记回执。"))
    if transfer.receipt_on is not None:
        raise ValidationError(
            _("回执已于 %(day)s 登记，不能重复登记。") % {"day": transfer.receipt_on.isoformat()}
        )
    if not receipt_due(transfer):
        raise ValidationError(
            _("转入须先确认报到后才能寄出回执。")
            if transfer.kind == TransferKind.INBOUND
            else _("只有本系统开具介绍信的转出才登记回执。")
        )
    start = (
        transfer.decided_on if transfer.kind == TransferKind.INBOUND else transfer.letter_issued_on
    )
    if on is None:
        raise ValidationError({"on": _("请填写回执日期。")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("不能晚于今天。")})
    if on < start:
        raise ValidationError(
            {
                "on": _("不能早于%(what)s（%(day)s）。")
                % {
                    "what": _("确认报到日期")
                    if transfer.kind == TransferKind.INBOUND
                    else _("介绍信开具日期"),
                    "day": start.isoformat(),
                }
            }
        )
    transfer.receipt_on = on
    _save(transfer, user, _("登记回执（%(day)s）") % {"day": on.isoformat()})
    return transfer


# --- the 介绍信 of a transfer out of the county ---------------------------------------------
#: the longest 有效期 a letter may carry: "确有需要延长的不得超过3个月"
LETTER_MAX_VALID_DAYS = 90
#: the default 有效期 until the members' rule table holds `LETTER_VALID_DAYS_RULE`
LETTER_VALID_DAYS_DEFAULT = 30
LETTER_VALID_DAYS_RULE = "transfer_letter_valid_days"
#: attempts at a free number when another letter of the same county takes it meanwhile
LETTER_NUMBER_ATTEMPTS = 5


def letter_valid_days() -> int:
    """The 有效期 a new letter is offered with (configurable in the members' rules)."""
    return rules().get(LETTER_VALID_DAYS_RULE, LETTER_VALID_DAYS_DEFAULT)


def issuing_county(org: Organization) -> Organization:
    """The county committee whose 组织部 issues letters for `org`: the nearest ancestor (or
    itself) of county level, else the root of its tree (one query)."""
    paths = [org.path[:end] for end in range(PATH_STEP, len(org.path) + 1, PATH_STEP)]
    line = list(Organization.objects.filter(path__in=paths).order_by("-depth"))
    return next((o for o in line if o.level == OrgLevel.COUNTY), line[-1])


def _next_letter_number(county: Organization, year: int) -> int:
    last = Transfer.objects.filter(letter_county=county, letter_year=year).aggregate(
        last=Max("letter_number")
    )["last"]
    return (last or 0) + 1


@transaction.atomic
def letter_issue(
    *, user: Any, transfer: Transfer, on: datetime.date | None, valid_days: int | None
) -> Transfer:
    """Give the 介绍信 of a transfer out of the county its number and 有效期. The number
    counts per issuing county and year and is never given twice: two letters issued at
    once meet the unique constraint, and the later one takes the next number."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("from_organization")
        .get(pk=transfer.pk)
    )
    if not can_issue_letter(user, transfer):
        raise PermissionDenied(_("只有转出党组织的工作人员才能开具介绍信。"))
    if transfer.letter_number is not None:
        raise ValidationError(
            _("该转接的介绍信已开具（%(number)s），请直接下载打印。")
            % {"number": transfer.letter_label}
        )
    _check_day(on, not_before=transfer.requested_on)
    if valid_days is None or not 1 <= valid_days <= LETTER_MAX_VALID_DAYS:
        raise ValidationError(
            {
                "valid_days": _("有效期应为 1–%(max)d 天（最长不超过 3 个月）。")
                % {"max": LETTER_MAX_VALID_DAYS}
            }
        )
    county = issuing_county(transfer.from_organization)
    transfer.letter_county = county
    transfer.letter_year = on.year
    transfer.letter_issued_on = on
    transfer.letter_valid_days = valid_days
    transfer.letter_issued_by = user
    for _attempt in range(LETTER_NUMBER_ATTEMPTS):
        transfer.letter_number = _next_letter_number(county, on.year)
        try:
            with transaction.atomic():
                _save(
                    transfer,
                    user,
                    _("开具介绍信 %(number)s") % {"number": transfer.letter_label},
                )
        except IntegrityError:
            continue  # another letter took the number since it was read: take the next
        return transfer
    raise ValidationError(_("开具介绍信的人较多，暂时未能取得编号，请稍后重试。"))


#: 大写 figures of the letter (党费交至的年月和有效期须用大写数字, so they cannot be altered)
CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CAPITAL_UNITS = ("", "拾", "佰", "仟")


def capital_number(n: int) -> str:
    """0–9999 in 大写 figures: 30 → 叁拾, 12 → 壹拾贰, 105 → 壹佰零伍."""
    if n == 0:
        return CAPITAL_DIGITS[0]
    digits = [int(d) for d in str(n)]
    parts: list[str] = []
    zero = False
    for position, digit in enumerate(digits):
        unit = CAPITAL_UNITS[len(digits) - position - 1]
        if digit == 0:
            zero = True
            continue
        if zero and parts:
            parts.append(CAPITAL_DIGITS[0])
        zero = False
        parts.append(CAPITAL_DIGITS[digit] + unit)
    return "".join(parts)


def capital_year(year: int) -> str:
    """A year digit by digit: 2026 → 贰零贰陆."""
    return "".join(CAPITAL_DIGITS[int(d)] for d in str(year))


def dues_paid_to(member: Member) -> datetime.date | None:
    """The last month the member's dues records show paid in full (党费已交到…)."""
    return (
        member.dues_records.filter(paid_on__isnull=False, amount_paid__gte=F("amount_due"))
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def letter_context(transfer: Transfer, *, full_personal_data: bool) -> dict[str, Any]:
    """What the 介绍信 prints (templates/members/transfers/letter_pdf.html). The ID number
    and phone are printed in full only for users who may see them in full; otherwise
    masked, for staff to write in by hand."""
    member = transfer.member
    paid_to = dues_paid_to(member)
    return {
        "transfer": transfer,
        "member": member,
        "county": transfer.letter_county,
        "label": transfer.letter_label,
        "age": age_on(member.birth_date, transfer.letter_issued_on),
        "id_number": member.id_number if full_personal_data else member.masked_id_number,
        "phone": (member.phone if full_personal_data else member.masked_phone)
        if member.phone
        else "",
        "masked": not full_personal_data,
        "valid_days": transfer.letter_valid_days,
        "valid_days_capital": capital_number(transfer.letter_valid_days),
        "valid_until": transfer.letter_valid_until,
        "paid_year": capital_year(paid_to.year) if paid_to else "",
        "paid_month": capital_number(paid_to.month) if paid_to else "",
    }


def letter_filename(transfer: Transfer) -> str:
    return f"介绍信-{transfer.letter_year}-{transfer.letter_number}-{transfer.member.name}.pdf"


def letter_pdf(transfer: Transfer, *, full_personal_data: bool) -> bytes:
    """The 介绍信 as a PDF in the bulletin's fonts (raises core.pdf.PdfError)."""
    from core.pdf import render_pdf  # WeasyPrint: loaded only where a PDF is made

    html = render_to_string(
        "members/transfers/letter_pdf.html",
        letter_context(transfer, full_personal_data=full_personal_data),
    )
    data, _pages = render_pdf(html)
    return data


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


def can_issue_letter(user: Any, transfer: Transfer) -> bool:
    """Whether `user` may print the 介绍信 of `transfer`: staff of the sending organisation
    of a transfer out of the county."""
    return (
        transfer.kind == TransferKind.OUTBOUND
        and transfer.from_organization is not None
        and can_edit_path(user, transfer.from_organization.path)
    )


def transfers_editable_by(user: Any):
    """Transfers either end of which the user may edit (the admin's rows)."""
    return Transfer.objects.filter(
        scope_q(user, "from_organization__", WRITE_ROLES)
        | scope_q(user, "to_organization__", WRITE_ROLES)
    )
