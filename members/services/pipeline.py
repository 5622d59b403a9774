"""The development pipeline (发展党员): creating a case, moving it through its gates, and
finding the cases that have stalled.

Every gate is checked here, so the portal, the admin and the tests refuse the same steps
with the same Chinese message naming the rule and its figure. The rules' figures come
from DevelopmentRule (editable by county staff); defaults.py fills in any missing row.

The steps between the stages follow the party constitution (党章 第五条、第七条) and the
发展党员工作细则: the talk after the application (第八条) before the 积极分子 step; 政审,
training, two introducers who are 正式党员, the 公示 and the 上级党委 预审 before the
支部大会 admits; the 上级党委's talk and 审批 after it; the 公示 and the 支部大会 at the
end of the probation before 转正, whose date is the probation's last day, not the meeting's.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import add_months, whole_months_between
from core.submissions import claim, settle
from orgs.models import Organization
from orgs.scope import can_edit_path, covers_root

from ..choices import Category, Gender, MemberStatus
from ..defaults import DEVELOPMENT_RULES
from ..identity import (
    InvalidIdNumber,
    age_on,
    birth_date_from_id,
    gender_from_id,
    normalise_id_number,
    validate_id_number,
)
from ..models import DevelopmentCase, DevelopmentRule, Member, RuleKey, Stage, TrainingRecord
from ..models.development import ALREADY_A_CASE, STAGE_ORDER
from ..models.member import ALREADY_A_MEMBER
from .training import record_training

# The fields of the person that a case carries until the 支部大会 admits them.
PERSON_FIELDS = ("name", "id_number", "gender", "ethnicity", "education", "job", "phone")
# Stages from which a case may still be closed: later the person is a Member, whose
# status (停止党籍, 出党 …) is decided on the roster, not here.
CLOSABLE_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE)


# --- rules -----------------------------------------------------------------------------
def rules() -> dict[str, int]:
    """Every rule's current figure (one query); a missing row falls back to its default."""
    values = dict(DEVELOPMENT_RULES)
    values.update(DevelopmentRule.objects.values_list("key", "value"))
    return values


def rule(key: str) -> int:
    """The current figure of one rule (RuleKey value)."""
    value = DevelopmentRule.objects.filter(key=key).values_list("value", flat=True).first()
    return DEVELOPMENT_RULES[key] if value is None else value


def _rule_label(key: str) -> str:
    """The rule's name without the unit in brackets, for messages ("…最短期限 12 个月")."""
    label = str(RuleKey(key).label)
    return label.split("（", 1)[0]


def _refusal(key: str, figure: str, detail: str) -> str:
    return _("不符合“%(rule)s %(figure)s”：%(detail)s") % {
        "rule": _rule_label(key),
        "figure": figure,
        "detail": detail,
    }


def _since(on: datetime.date, today: datetime.date) -> str:
    return _("至今") if on == today else _("至 %(day)s ") % {"day": on.isoformat()}


# --- scope -----------------------------------------------------------------------------
def _require_editable(user: Any, org: Organization) -> None:
    if not can_edit_path(user, org.path):
        raise PermissionDenied(_("您不能修改“%(org)s”的发展党员工作。") % {"org": org.name})


def _save(instance: Any, user: Any, reason: str = "") -> None:
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()


# --- creating a case -------------------------------------------------------------------
def case_create(
    *,
    user: Any,
    organization: Organization,
    name: str,
    id_number: str,
    gender: str,
    ethnicity: str,
    education: str,
    job: str,
    applied_on: datetime.date,
    phone: str = "",
    note: str = "",
    submission: uuid.UUID | None = None,
) -> DevelopmentCase:
    """Record an application (入党申请人) after the same checks a Member gets;
    `submission` (the form's one-time token) makes a repeated post save nothing."""
    _require_editable(user, organization)
    today = timezone.localdate()
    number = normalise_id_number(id_number or "")
    case = DevelopmentCase(
        organization=organization,
        name=(name or "").strip(),
        id_number=number,
        gender=gender,
        ethnicity=ethnicity,
        education=education,
        job=job,
        phone=(phone or "").strip(),
        applied_on=applied_on,
        note=note,
        stage=Stage.APPLICANT,
    )
    errors: dict[str, list[str]] = {}
    try:
        case.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
    try:
        validate_id_number(number)
    except InvalidIdNumber:
        pass  # the field's validator has said why
    else:
        expected = gender_from_id(number)
        if gender and gender != expected:
            errors.setdefault("gender", []).append(
                _("与身份证号码第 17 位不一致（号码显示为%(gender)s）。")
                % {"gender": Gender(expected).label}
            )
        if Member.objects.filter(id_number=number).exists():
            errors.setdefault("id_number", []).append(ALREADY_A_MEMBER)
        if applied_on:
            born = birth_date_from_id(number)
            minimum = rule(RuleKey.MIN_APPLICATION_AGE)
            age = age_on(born, applied_on)
            if age < minimum:
                errors.setdefault("applied_on", []).append(
                    _refusal(
                        RuleKey.MIN_APPLICATION_AGE,
                        _("%(n)d 周岁") % {"n": minimum},
                        _("递交申请时仅 %(age)d 周岁。") % {"age": max(age, 0)},
                    )
                )
    if applied_on and applied_on > today:
        errors.setdefault("applied_on", []).append(_("不能晚于今天。"))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            claimed = claim(submission, user=user)
            _save(case, user)
            settle(claimed, case.get_absolute_url())
    except IntegrityError:
        # Another save of the same ID number committed after the checks above.
        raise ValidationError({"id_number": [ALREADY_A_CASE]}) from None
    return case


# --- moving through the gates ----------------------------------------------------------
def next_stage(case: DevelopmentCase) -> str | None:
    """The stage a case may move to next, or None (closed or already 正式党员)."""
    if case.closed_on or case.stage == Stage.FULL:
        return None
    return STAGE_ORDER[STAGE_ORDER.index(case.stage) + 1]


def training_hours(case: DevelopmentCase) -> Decimal:
    total = TrainingRecord.objects.filter(case=case).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def probation_due_on(
    case: DevelopmentCase, figures: dict[str, int] | None = None
) -> datetime.date | None:
    """The day the probation ends, extension included: the 转正日期 (党章 第七条, 党龄
    counts from it), and the first day the 支部大会 may discuss 转正."""
    if case.admitted_on is None:
        return None
    figures = figures or rules()
    months = figures[RuleKey.PROBATION_MONTHS] + case.probation_extended_months
    return add_months(case.admitted_on, months)


def working_days(first: datetime.date, last: datetime.date) -> int:
    """Monday to Friday from `first` to `last`, both included (public holidays and their
    make-up Saturdays are not known to the portal)."""
    if last < first:
        return 0
    weeks, rest = divmod((last - first).days + 1, 7)
    tail = (first + datetime.timedelta(days=weeks * 7 + offset) for offset in range(rest))
    return weeks * 5 + sum(1 for day in tail if day.weekday() < 5)


def _check_date(on: datetime.date | None, previous: datetime.date | None, label: str) -> None:
    """A gate date: given, not in the future, not before the previous gate."""
    if on is None:
        raise ValidationError({"on": _("请填写日期。")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("不能晚于今天。")})
    if previous and on < previous:
        raise ValidationError(
            {
                "on": _("不能早于%(label)s（%(day)s）。")
                % {"label": label, "day": previous.isoformat()}
            }
        )


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


@transaction.atomic
def case_advance(
    *,
    case: DevelopmentCase,
    user: Any,
    to_stage: str,
    on: datetime.date | None,
    talked_on: datetime.date | None = None,
    political_review_on: datetime.date | None = None,
    political_review_result: str | None = None,
    introducers: str | None = None,
    publicity_from: datetime.date | None = None,
    publicity_to: datetime.date | None = None,
    pre_review_on: datetime.date | None = None,
    note: str = "",
) -> DevelopmentCase:
    """Move `case` to `to_stage` on `on`, or refuse with the rule that forbids it.

    `on` is the day of the step's decision (for 预备党员 and 正式党员, the 支部大会's); the
    other dates are the steps that must come before it (the 公示 dates are those of the
    step being taken). Becoming 预备党员 creates the Member (one record for life); 转正
    updates it, with the end of the probation as its 转正日期.
    """
    _require_editable(user, case.organization)
    # Lock the row: two staff advancing the same case at once must not create two members.
    case = (
        DevelopmentCase.objects.select_for_update(of=("self",))
        .select_related("member", "organization")
        .get(pk=case.pk)
    )
    expected = next_stage(case)
    if expected is None:
        raise ValidationError(
            _("该发展党员已终止培养，不能再推进。")
            if case.closed_on
            else _("已是正式党员，发展程序已完成。")
        )
    if to_stage != expected:
        raise ValidationError(
            _("须按顺序推进：当前为“%(current)s”，下一步只能是“%(next)s”。")
            % {"current": Stage(case.stage).label, "next": Stage(expected).label}
        )
    figures = rules()
    today = timezone.localdate()
    reason = _("确定为%(stage)s") % {"stage": Stage(to_stage).label}

    if to_stage == Stage.ACTIVIST:
        _check_date(on, case.applied_on, _("递交入党申请日期"))
        _gate_activist(case, on=on, talked_on=talked_on)
        case.activist_on = on
    elif to_stage == Stage.CANDIDATE:
        _check_date(on, case.activist_on, _("确定为积极分子日期"))
        minimum = figures[RuleKey.ACTIVIST_MIN_MONTHS]
        earliest = add_months(case.activist_on, minimum)
        if on < earliest:
            raise ValidationError(
                {
                    "on": _refusal(
                        RuleKey.ACTIVIST_MIN_MONTHS,
                        _("%(n)d 个月") % {"n": minimum},
                        _(
                            "确定为积极分子%(since)s仅 %(m)d 个月"
                            "（最早可于 %(day)s 确定为发展对象）。"
                        )
                        % {
                            "since": _since(on, today),
                            "m": whole_months_between(case.activist_on, on),
                            "day": earliest.isoformat(),
                        },
                    )
                }
            )
        case.candidate_on = on
    elif to_stage == Stage.PROBATIONARY:
        _check_date(on, case.candidate_on, _("确定为发展对象日期"))
        _gate_probationary(
            case,
            on=on,
            figures=figures,
            political_review_on=political_review_on,
            political_review_result=political_review_result,
            introducers=introducers,
            publicity=(publicity_from, publicity_to),
            pre_review_on=pre_review_on,
        )
        case.admitted_on = on
        case.member = _create_member(case, user=user, joined_on=on)
        reason = _("支部大会接收为预备党员")
    else:  # Stage.FULL
        _check_date(on, case.admitted_on, _("接收为预备党员日期"))
        _require_member_editable(case.member, user)
        end = _gate_full(
            case, on=on, figures=figures, today=today, publicity=(publicity_from, publicity_to)
        )
        _confirm_member(case.member, user=user, confirmed_on=end)
        case.confirmation_meeting_on = on
        case.confirmed_on = end
        reason = _("支部大会讨论通过转为正式党员（转正日期为预备期满之日 %(day)s）") % {
            "day": end.isoformat()
        }

    if note:
        case.note = f"{case.note}\n{note}".strip()
    case.stage = to_stage
    _save(case, user, reason)
    return case


def _gate_activist(
    case: DevelopmentCase, *, on: datetime.date, talked_on: datetime.date | None
) -> None:
    """The organisation talks with the applicant before deciding on them (细则 第八条)."""
    if talked_on is not None:
        case.talked_on = talked_on
    talk = case.talked_on
    if talk is None:
        message = _("党组织收到入党申请后须派人同申请人谈话，请填写谈话日期。")
    elif talk < case.applied_on:
        message = _("谈话须在递交入党申请（%(day)s）之后。") % {"day": case.applied_on.isoformat()}
    elif talk > on:
        message = _("谈话须在确定为积极分子（%(day)s）之前。") % {"day": on.isoformat()}
    else:
        return
    raise ValidationError({"talked_on": [message]})


def _check_publicity(
    errors: dict[str, list[str]],
    publicity: tuple[datetime.date | None, datetime.date | None],
    *,
    meeting: datetime.date,
    after: datetime.date | None,
    after_label: str,
    figures: dict[str, int],
) -> None:
    """A 公示 of at least the configured working days, ended before the meeting's day."""
    first, last = publicity
    days = figures[RuleKey.PUBLICITY_MIN_WORKING_DAYS]
    if first is None or last is None:
        field = "publicity_from" if first is None else "publicity_to"
        _add(
            errors,
            field,
            _("支部大会讨论前须公示不少于 %(n)d 个工作日，请填写公示开始和结束日期。")
            % {"n": days},
        )
        return
    if last < first:
        _add(errors, "publicity_to", _("公示结束日期不能早于开始日期。"))
        return
    if after and first < after:
        _add(
            errors,
            "publicity_from",
            _("公示不能早于%(label)s（%(day)s）。")
            % {"label": after_label, "day": after.isoformat()},
        )
    if last >= meeting:
        _add(
            errors,
            "publicity_to",
            _("支部大会（%(day)s）须在公示期满之后召开，公示最晚于前一天结束。")
            % {"day": meeting.isoformat()},
        )
    counted = working_days(first, last)
    if counted < days:
        _add(
            errors,
            "publicity_to",
            _refusal(
                RuleKey.PUBLICITY_MIN_WORKING_DAYS,
                _("%(n)d 个工作日") % {"n": days},
                _("%(first)s 至 %(last)s 仅 %(m)d 个工作日（周一至周五）。")
                % {"first": first.isoformat(), "last": last.isoformat(), "m": counted},
            ),
        )


def _gate_probationary(
    case: DevelopmentCase,
    *,
    on: datetime.date,
    figures: dict[str, int],
    political_review_on: datetime.date | None,
    political_review_result: str | None,
    introducers: str | None,
    publicity: tuple[datetime.date | None, datetime.date | None],
    pre_review_on: datetime.date | None,
) -> None:
    """政审, training hours, introducers, 公示 and 预审, all checked before the 支部大会
    date counts."""
    if political_review_on is not None:
        case.political_review_on = political_review_on
    if political_review_result is not None:
        case.political_review_result = political_review_result.strip()
    if introducers is not None:
        case.introducers = introducers.strip()
    first, last = publicity
    if first is not None:
        case.admission_publicity_from = first
    if last is not None:
        case.admission_publicity_to = last
    if pre_review_on is not None:
        case.pre_review_on = pre_review_on

    errors: dict[str, list[str]] = {}
    review = case.political_review_on
    if review is None:
        _add(
            errors,
            "political_review_on",
            _("发展对象须经政治审查（政审）才能接收为预备党员，请填写政审完成日期。"),
        )
    elif review > on:
        _add(
            errors,
            "political_review_on",
            _("政审须在支部大会（%(day)s）之前完成。") % {"day": on.isoformat()},
        )
    elif case.candidate_on and review < case.candidate_on:
        _add(
            errors,
            "political_review_on",
            _("政审对象是发展对象，不能早于确定为发展对象日期（%(day)s）。")
            % {"day": case.candidate_on.isoformat()},
        )

    needed_hours = figures[RuleKey.CANDIDATE_MIN_TRAINING_HOURS]
    hours = training_hours(case)
    if hours < needed_hours:
        _add(
            errors,
            NON_FIELD_ERRORS,
            _refusal(
                RuleKey.CANDIDATE_MIN_TRAINING_HOURS,
                _("%(n)d 学时") % {"n": needed_hours},
                _("培训记录合计仅 %(h)s 学时。") % {"h": hours_text(hours)},
            ),
        )

    _check_introducers(errors, case, on=on, needed=figures[RuleKey.INTRODUCERS_REQUIRED])
    _check_publicity(
        errors,
        (case.admission_publicity_from, case.admission_publicity_to),
        meeting=on,
        after=case.candidate_on,
        after_label=_("确定为发展对象日期"),
        figures=figures,
    )

    pre_review = case.pre_review_on
    if pre_review is None:
        _add(
            errors,
            "pre_review_on",
            _("发展对象须经上级党委预审合格才能提交支部大会讨论，请填写预审日期。"),
        )
    elif pre_review >= on:
        _add(
            errors,
            "pre_review_on",
            _("上级党委预审须在支部大会（%(day)s）之前。") % {"day": on.isoformat()},
        )
    elif case.candidate_on and pre_review < case.candidate_on:
        _add(
            errors,
            "pre_review_on",
            _("预审对象是发展对象，不能早于确定为发展对象日期（%(day)s）。")
            % {"day": case.candidate_on.isoformat()},
        )
    if errors:
        raise ValidationError(errors)


def _full_members_named(org: Organization, names: Iterable[str], on: datetime.date) -> set[str]:
    """Which of `names` belong to a 正式党员 of `org`'s subtree on the day `on` (confirmed by
    then, and still in the party then); one query."""
    in_party = Q(status=MemberStatus.ACTIVE) | Q(status_changed_on__gt=on)
    return set(
        Member.objects.within(org)
        .filter(in_party, name__in=list(names), confirmed_on__lte=on)
        .values_list("name", flat=True)
    )


def _check_introducers(
    errors: dict[str, list[str]], case: DevelopmentCase, *, on: datetime.date, needed: int
) -> None:
    """Two (configurable) introducers, each a 正式党员 on the roster of the case's
    organisation or below on the day of the 支部大会 (党章 第五条)."""
    names = case.introducer_list
    if len(names) < needed:
        _add(
            errors,
            "introducers",
            _refusal(
                RuleKey.INTRODUCERS_REQUIRED,
                _("%(n)d 名") % {"n": needed},
                _("仅填写了 %(m)d 名。") % {"m": len(names)},
            ),
        )
        return
    found = _full_members_named(case.organization, names, on)
    missing = [name for name in names if name not in found]
    if missing:
        _add(
            errors,
            "introducers",
            _refusal(
                RuleKey.INTRODUCERS_REQUIRED,
                _("%(n)d 名正式党员") % {"n": needed},
                _("%(names)s不是“%(org)s”（含下级组织）党员名册中 %(day)s 时的正式党员。")
                % {
                    "names": "、".join(f"“{name}”" for name in missing),
                    "org": case.organization.name,
                    "day": on.isoformat(),
                },
            ),
        )


def _gate_full(
    case: DevelopmentCase,
    *,
    on: datetime.date,
    figures: dict[str, int],
    today: datetime.date,
    publicity: tuple[datetime.date | None, datetime.date | None],
) -> datetime.date:
    """The 支部大会 of `on` may confirm once the probation has ended, the admission has
    been approved and the 公示 has run; returns the 转正日期 (the probation's end)."""
    first, last = publicity
    if first is not None:
        case.confirmation_publicity_from = first
    if last is not None:
        case.confirmation_publicity_to = last

    errors: dict[str, list[str]] = {}
    end = probation_due_on(case, figures)
    if on < end:
        total = figures[RuleKey.PROBATION_MONTHS] + case.probation_extended_months
        figure = (
            _("%(n)d 个月（延长 %(e)d 个月，共 %(t)d 个月）")
            % {
                "n": figures[RuleKey.PROBATION_MONTHS],
                "e": case.probation_extended_months,
                "t": total,
            }
            if case.probation_extended_months
            else _("%(n)d 个月") % {"n": total}
        )
        _add(
            errors,
            "on",
            _refusal(
                RuleKey.PROBATION_MONTHS,
                figure,
                _(
                    "接收为预备党员%(since)s仅 %(m)d 个月（预备期于 %(day)s 期满，"
                    "支部大会最早于当天讨论转正）。"
                )
                % {
                    "since": _since(on, today),
                    "m": whole_months_between(case.admitted_on, on),
                    "day": end.isoformat(),
                },
            ),
        )
    if case.approved_on is None:
        _add(
            errors,
            NON_FIELD_ERRORS,
            _("接收为预备党员尚未登记上级党委审批，请先在详情页登记审批，再讨论转正。"),
        )
    elif on < case.approved_on:
        _add(
            errors,
            "on",
            _("不能早于上级党委审批日期（%(day)s）。") % {"day": case.approved_on.isoformat()},
        )
    _check_publicity(
        errors,
        (case.confirmation_publicity_from, case.confirmation_publicity_to),
        meeting=on,
        after=case.admitted_on,
        after_label=_("接收为预备党员日期"),
        figures=figures,
    )
    if errors:
        raise ValidationError(errors)
    return end


def hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


def _create_member(case: DevelopmentCase, *, user: Any, joined_on: datetime.date) -> Member:
    """The one Member record of this person, from the case (birth date from the ID)."""
    member = Member(
        name=case.name,
        id_number=case.id_number,
        gender=gender_from_id(case.id_number),
        ethnicity=case.ethnicity,
        birth_date=birth_date_from_id(case.id_number),
        education=case.education,
        job=case.job,
        phone=case.phone,
        category=Category.PROBATIONARY,
        joined_on=joined_on,
        organization=case.organization,
    )
    _validate_member(member)
    _save(member, user, _("支部大会接收为预备党员（发展党员档案转入）"))
    return member


def _require_member_editable(member: Member, user: Any) -> None:
    # The member may have moved since admission: 转正 changes their record, so the user must
    # be able to edit it where it is now.
    if not can_edit_path(user, member.organization.path):
        raise PermissionDenied(
            _("该党员已转至“%(org)s”，不在您的管辖范围内，请由该组织办理转正。")
            % {"org": member.organization.name}
        )


def _confirm_member(member: Member, *, user: Any, confirmed_on: datetime.date) -> None:
    """转正 on the member's record, which must still be current."""
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(
            _("该党员的党籍状态为“%(status)s”，不能转正。")
            % {"status": member.get_status_display()}
        )
    member.category = Category.FULL
    member.confirmed_on = confirmed_on
    _validate_member(member)
    _save(member, user, _("预备期满转为正式党员"))


def _validate_member(member: Member) -> None:
    """The Member's own rules apply too; their messages say which record refused."""
    try:
        member.full_clean()
    except ValidationError as exc:
        labels = {f.name: str(f.verbose_name) for f in Member._meta.fields}
        messages = [
            _("党员档案：%(field)s %(message)s")
            % {"field": labels.get(field, ""), "message": message}
            for field, field_messages in exc.message_dict.items()
            for message in field_messages
        ]
        raise ValidationError({NON_FIELD_ERRORS: messages}) from None


@transaction.atomic
def case_extend_probation(
    *, case: DevelopmentCase, user: Any, months: int | None, reason: str
) -> DevelopmentCase:
    """Extend the probation (支部大会决定): once, by at least and at most the configured
    months (细则 第三十二条: 延长一次, 不少于半年, 最长不超过一年)."""
    _require_editable(user, case.organization)
    case = DevelopmentCase.objects.select_for_update().get(pk=case.pk)
    if case.stage != Stage.PROBATIONARY or case.closed_on:
        raise ValidationError(_("只有预备党员才能延长预备期。"))
    if case.probation_extended_months:
        raise ValidationError(
            {
                "months": _("预备期只能延长一次：该预备党员的预备期已延长 %(m)d 个月。")
                % {"m": case.probation_extended_months}
            }
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写延长预备期的原因（支部大会决定）。")})
    figures = rules()
    minimum = figures[RuleKey.PROBATION_EXTENSION_MIN_MONTHS]
    maximum = figures[RuleKey.PROBATION_EXTENSION_MAX_MONTHS]
    if months is None:
        raise ValidationError({"months": _("请填写延长月数。")})
    if months < minimum:
        raise ValidationError(
            {
                "months": _refusal(
                    RuleKey.PROBATION_EXTENSION_MIN_MONTHS,
                    _("%(n)d 个月") % {"n": minimum},
                    _("本次仅延长 %(m)d 个月。") % {"m": months},
                )
            }
        )
    if months > maximum:
        raise ValidationError(
            {
                "months": _refusal(
                    RuleKey.PROBATION_EXTENSION_MAX_MONTHS,
                    _("%(n)d 个月") % {"n": maximum},
                    _("本次延长 %(m)d 个月。") % {"m": months},
                )
            }
        )
    case.probation_extended_months = months
    _save(
        case,
        user,
        _("延长预备期 %(m)d 个月：%(reason)s") % {"m": months, "reason": reason.strip()},
    )
    return case


@transaction.atomic
def case_record_approval(
    *,
    case: DevelopmentCase,
    user: Any,
    committee_talk_on: datetime.date | None,
    approved_on: datetime.date | None,
) -> DevelopmentCase:
    """The 上级党委's 审批 of the 支部大会's admission, after its talk with the person
    (党章 第五条: 上级党组织在批准申请人入党以前，要派人同他谈话)."""
    _require_editable(user, case.organization)
    case = DevelopmentCase.objects.select_for_update().get(pk=case.pk)
    if case.stage != Stage.PROBATIONARY or case.closed_on:
        raise ValidationError(_("只有支部大会已接收的预备党员才能登记上级党委审批。"))
    if case.approved_on:
        raise ValidationError(
            _("已于 %(day)s 登记上级党委审批。") % {"day": case.approved_on.isoformat()}
        )
    errors: dict[str, list[str]] = {}
    if approved_on is None:
        _add(errors, "approved_on", _("请填写日期。"))
    elif approved_on > timezone.localdate():
        _add(errors, "approved_on", _("不能晚于今天。"))
    elif approved_on < case.admitted_on:
        _add(
            errors,
            "approved_on",
            _("上级党委审批须在支部大会接收（%(day)s）之后。")
            % {"day": case.admitted_on.isoformat()},
        )
    if committee_talk_on is None:
        _add(
            errors,
            "committee_talk_on",
            _("上级党委审批前须派人同发展对象谈话，请填写谈话日期。"),
        )
    elif approved_on and committee_talk_on > approved_on:
        _add(
            errors,
            "committee_talk_on",
            _("谈话须在上级党委审批（%(day)s）之前。") % {"day": approved_on.isoformat()},
        )
    elif case.candidate_on and committee_talk_on < case.candidate_on:
        _add(
            errors,
            "committee_talk_on",
            _("谈话对象是发展对象，不能早于确定为发展对象日期（%(day)s）。")
            % {"day": case.candidate_on.isoformat()},
        )
    if errors:
        raise ValidationError(errors)
    case.committee_talk_on = committee_talk_on
    case.approved_on = approved_on
    _save(case, user, _("上级党委审批接收为预备党员"))
    return case


@transaction.atomic
def case_close(
    *, case: DevelopmentCase, user: Any, on: datetime.date | None, reason: str
) -> DevelopmentCase:
    """Stop developing this person (e.g. no longer meets the conditions)."""
    _require_editable(user, case.organization)
    case = DevelopmentCase.objects.select_for_update().get(pk=case.pk)
    if case.closed_on:
        raise ValidationError(_("该发展党员已于 %(day)s 终止培养。") % {"day": case.closed_on})
    if case.stage not in CLOSABLE_STAGES:
        raise ValidationError(
            _("已是党员（%(stage)s），不能在此终止；党籍变化请在党员档案中办理。")
            % {"stage": Stage(case.stage).label}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写终止培养的原因。")})
    _check_date(on, case.applied_on, _("递交入党申请日期"))
    case.closed_on = on
    case.closed_reason = reason.strip()
    _save(case, user, _("终止培养：%(reason)s") % {"reason": case.closed_reason})
    return case


@transaction.atomic
def case_add_training(
    *,
    case: DevelopmentCase,
    user: Any,
    course: str,
    hours: Decimal,
    attended_on: datetime.date,
) -> TrainingRecord:
    """A course the applicant attended; its hours count towards the 发展对象 gate."""
    _require_editable(user, case.organization)
    if case.closed_on or case.stage in (Stage.PROBATIONARY, Stage.FULL):
        raise ValidationError(
            _(
                "培训记录只能为培养中的入党申请人、积极分子和发展对象登记；"
                "党员的培训请在党员档案中登记。"
            )
        )
    if attended_on and attended_on < case.applied_on:
        raise ValidationError(
            {
                "attended_on": _("不能早于递交入党申请日期（%(day)s）。")
                % {"day": case.applied_on.isoformat()}
            }
        )
    return record_training(
        user=user, case=case, course=course, hours=hours, attended_on=attended_on
    )


# --- the case's steps ------------------------------------------------------------------
@dataclass(frozen=True)
class CaseStep:
    """One step of a case as its page lists it: its day, or a 公示's first and last day."""

    label: str
    on: datetime.date | None
    until: datetime.date | None = None
    note: str = ""


def _publicity_note(first: datetime.date | None, last: datetime.date | None) -> str:
    if first is None or last is None:
        return ""
    return _("%(n)d 个工作日") % {"n": working_days(first, last)}


def case_steps(case: DevelopmentCase, figures: dict[str, int]) -> list[CaseStep]:
    """Every step of the pipeline in the order the regulations take them, with its date
    (None while not taken)."""
    end = probation_due_on(case, figures)
    extended = case.probation_extended_months
    if case.confirmed_on:
        confirmation = _("预备期满之日，党龄自该日算起")
        if extended:
            confirmation += _("（含延长预备期 %(m)d 个月）") % {"m": extended}
    elif end is None:
        confirmation = ""
    elif extended:
        confirmation = _("预备期满：%(day)s（含延长 %(m)d 个月）") % {
            "day": end.isoformat(),
            "m": extended,
        }
    else:
        confirmation = _("预备期满：%(day)s") % {"day": end.isoformat()}
    return [
        CaseStep(_("递交入党申请"), case.applied_on),
        CaseStep(_("党组织派人谈话"), case.talked_on),
        CaseStep(_("确定为入党积极分子"), case.activist_on),
        CaseStep(_("确定为发展对象"), case.candidate_on),
        CaseStep(_("政治审查"), case.political_review_on, note=case.political_review_result),
        CaseStep(
            _("接收预备党员公示"),
            case.admission_publicity_from,
            case.admission_publicity_to,
            _publicity_note(case.admission_publicity_from, case.admission_publicity_to),
        ),
        CaseStep(_("上级党委预审"), case.pre_review_on),
        CaseStep(_("支部大会接收为预备党员"), case.admitted_on),
        CaseStep(_("上级党委派人谈话"), case.committee_talk_on),
        CaseStep(_("上级党委审批"), case.approved_on),
        CaseStep(
            _("转正公示"),
            case.confirmation_publicity_from,
            case.confirmation_publicity_to,
            _publicity_note(case.confirmation_publicity_from, case.confirmation_publicity_to),
        ),
        CaseStep(_("支部大会讨论转正"), case.confirmation_meeting_on),
        CaseStep(_("转为正式党员（转正日期）"), case.confirmed_on, note=confirmation),
    ]


# --- stalled cases ---------------------------------------------------------------------
# (stage, date field that started it, rule key) of the stall checks before 预备党员
_STALL_CHECKS = (
    (Stage.APPLICANT, "applied_on", RuleKey.APPLICANT_STALL_MONTHS),
    (Stage.ACTIVIST, "activist_on", RuleKey.ACTIVIST_STALL_MONTHS),
    (Stage.CANDIDATE, "candidate_on", RuleKey.CANDIDATE_STALL_MONTHS),
)
# Month ends differ in length; widen the database cut-off a little and decide exactly in
# Python so that no case is missed.
_CUTOFF_SLACK = datetime.timedelta(days=4)


def stall_of(
    case: DevelopmentCase, *, figures: dict[str, int], today: datetime.date
) -> tuple[str, str] | None:
    """(rule key, Chinese message) if the open `case` has stalled, else None."""
    if case.closed_on:
        return None
    for stage, field, key in _STALL_CHECKS:
        if case.stage != stage:
            continue
        started = getattr(case, field)
        limit = figures[key]
        if started and add_months(started, limit) <= today:
            return key, _(
                "%(name)s 为%(stage)s已 %(m)d 个月（自 %(day)s），"
                "超过 %(limit)d 个月仍未进入下一阶段。"
            ) % {
                "name": case.name,
                "stage": Stage(stage).label,
                "m": whole_months_between(started, today),
                "day": started.isoformat(),
                "limit": limit,
            }
        return None
    if case.stage == Stage.PROBATIONARY:
        due = probation_due_on(case, figures)
        if due and due < today:
            return RuleKey.PROBATION_MONTHS, _(
                "%(name)s 预备期 %(limit)d 个月已于 %(day)s 期满，"
                "至今仍未讨论转正（已过 %(m)d 个月）。"
            ) % {
                "name": case.name,
                "limit": figures[RuleKey.PROBATION_MONTHS] + case.probation_extended_months,
                "day": due.isoformat(),
                "m": whole_months_between(due, today),
            }
    return None


def _stall_filter(figures: dict[str, int], today: datetime.date) -> Q:
    condition = Q()
    for stage, field, key in _STALL_CHECKS:
        cutoff = add_months(today, -figures[key]) + _CUTOFF_SLACK
        condition |= Q(stage=stage, **{f"{field}__lte": cutoff})
    cutoff = add_months(today, -figures[RuleKey.PROBATION_MONTHS]) + _CUTOFF_SLACK
    condition |= Q(stage=Stage.PROBATIONARY, admitted_on__lte=cutoff)
    return condition


def stalled_cases(
    *,
    today: datetime.date,
    org: Organization | None = None,
    user: Any = None,
) -> list[tuple[DevelopmentCase, str, str]]:
    """(case, rule key, message) for every open case past its limit, in `org`'s subtree
    and/or the user's scope (two queries whatever the number of cases)."""
    if org is None and user is None:
        raise TypeError("stalled_cases needs org or user")
    figures = rules()
    cases = DevelopmentCase.objects.open().filter(_stall_filter(figures, today))
    if user is not None:
        cases = cases.visible_to(user)
    if org is not None:
        cases = cases.within(org)
    found = []
    for case in cases.select_related("organization"):
        stall = stall_of(case, figures=figures, today=today)
        if stall:
            found.append((case, *stall))
    return found


def stalls_by_case(
    cases: Iterable[DevelopmentCase], *, today: datetime.date
) -> dict[int, tuple[str, str]]:
    """The stall of each listed case, by id (one query for the rules)."""
    figures = rules()
    result = {}
    for case in cases:
        stall = stall_of(case, figures=figures, today=today)
        if stall:
            result[case.pk] = stall
    return result


# --- configuration ---------------------------------------------------------------------
# The range each figure may take: the regulations fix some floors (age 18, an extension of
# at least half a year, a 公示 of at least 5 working days), the database caps the probation
# extension at a year.
RULE_BOUNDS: dict[str, tuple[int, int]] = {
    RuleKey.MIN_APPLICATION_AGE: (18, 60),
    RuleKey.ACTIVIST_MIN_MONTHS: (0, 60),
    RuleKey.CANDIDATE_MIN_TRAINING_HOURS: (0, 500),
    RuleKey.INTRODUCERS_REQUIRED: (1, 5),
    RuleKey.PROBATION_MONTHS: (1, 36),
    RuleKey.PROBATION_EXTENSION_MIN_MONTHS: (6, 12),
    RuleKey.PROBATION_EXTENSION_MAX_MONTHS: (6, 12),
    RuleKey.PUBLICITY_MIN_WORKING_DAYS: (5, 30),
    RuleKey.APPLICANT_STALL_MONTHS: (1, 120),
    RuleKey.ACTIVIST_STALL_MONTHS: (1, 120),
    RuleKey.CANDIDATE_STALL_MONTHS: (1, 120),
}
# (lower, upper): figures that must stay in this order.
ORDERED_RULES = ((RuleKey.PROBATION_EXTENSION_MIN_MONTHS, RuleKey.PROBATION_EXTENSION_MAX_MONTHS),)


def validate_rule_value(key: str, value: int | None) -> None:
    low, high = RULE_BOUNDS[key]
    if value is None or not low <= value <= high:
        raise ValidationError(
            {
                "value": _("“%(rule)s”应在 %(low)d 到 %(high)d 之间。")
                % {"rule": RuleKey(key).label, "low": low, "high": high}
            }
        )
    for lower, upper in ORDERED_RULES:
        if key == lower and value > (other := rule(upper)):
            message = _("不能大于“%(rule)s”（现为 %(n)d）。")
        elif key == upper and value < (other := rule(lower)):
            message = _("不能小于“%(rule)s”（现为 %(n)d）。")
        else:
            continue
        label = RuleKey(upper if key == lower else lower).label
        raise ValidationError({"value": message % {"rule": label, "n": other}})


def rule_update(*, user: Any, rule_row: DevelopmentRule, value: int) -> DevelopmentRule:
    """Change one figure; only county staff (a root of the tree) or superusers may."""
    if not covers_root(user):
        raise PermissionDenied(_("只有县级组织部工作人员才能修改发展党员规则。"))
    validate_rule_value(rule_row.key, value)
    rule_row.value = value
    _save(rule_row, user, _("修改为 %(v)d") % {"v": value})
    return rule_row
