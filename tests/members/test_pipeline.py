"""The development pipeline service: gates refused with the rule named, one Member for life."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.periods import add_months, whole_months_between
from members.models import DevelopmentCase, DevelopmentRule, Member, Stage, TrainingRecord
from members.services.pipeline import (
    case_add_training,
    case_advance,
    case_close,
    case_create,
    case_extend_probation,
    case_record_approval,
    probation_due_on,
    rule,
    stalled_cases,
)
from tests.factories import make_member
from tests.helpers import id_number

TODAY = timezone.localdate()
ADULT_DATES = {"joined_on": datetime.date(2018, 7, 1), "confirmed_on": datetime.date(2019, 7, 1)}


def ago(months: int = 0, days: int = 0) -> datetime.date:
    return add_months(TODAY, -months) - datetime.timedelta(days=days)


def messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


def new_case(user, org, *, applied_on=None, birth="1995-03-08", seq=1, **fields):
    values = {
        "name": "赵小明",
        "id_number": id_number(birth, seq=seq),
        "gender": "M",
        "ethnicity": "01",
        "education": "bachelor",
        "job": "farmer",
        "phone": "13912345678",
    }
    values.update(fields)
    return case_create(user=user, organization=org, applied_on=applied_on or ago(60), **values)


def train(case, user, hours="24", on=None):
    return case_add_training(
        case=case,
        user=user,
        course="发展对象集中培训",
        hours=Decimal(hours),
        attended_on=on or ago(21),
    )


def candidate(user, org, **fields):
    """A case that became 发展对象 two years ago."""
    case = new_case(user, org, applied_on=ago(60), **fields)
    case = case_advance(
        case=case, user=user, to_stage=Stage.ACTIVIST, on=ago(48), talked_on=ago(59)
    )
    return case_advance(case=case, user=user, to_stage=Stage.CANDIDATE, on=ago(24))


INTRODUCERS = ("王建国", "李红")


def introducers_in(org, names=INTRODUCERS):
    """The 正式党员 of `org` who introduce its applicants (created once per organisation)."""
    for index, name in enumerate(names):
        if not Member.objects.filter(organization=org, name=name).exists():
            make_member(
                org, seq=800 + org.pk % 100 * 2 + index, birth="1970-03-03", name=name,
                female=index == 1,
            )  # fmt: skip


def days_before(day, days):
    return day - datetime.timedelta(days=days)


def admit(case, user, on=None, **details):
    """The 支部大会 admits `case` on `on` after every step: 政审, a 公示 of two weeks ending
    the day before, 预审 the day before, two introducers on the roster."""
    on = on or ago(22)
    introducers_in(case.organization)
    values = {
        "political_review_on": ago(23),
        "introducers": "、".join(INTRODUCERS),
        "publicity_from": days_before(on, 14),
        "publicity_to": days_before(on, 1),
        "pre_review_on": days_before(on, 1),
    }
    values.update(details)
    return case_advance(case=case, user=user, to_stage=Stage.PROBATIONARY, on=on, **values)


def approve(case, user, on=None):
    """The 上级党委 approves the admission (after its talk) `on` or a month after it."""
    on = on or min(case.admitted_on + datetime.timedelta(days=30), TODAY)
    return case_record_approval(case=case, user=user, committee_talk_on=on, approved_on=on)


def confirm(case, user, on=None, **details):
    """The 支部大会 discusses 转正 on `on` (by default the end of the probation) after a
    two-week 公示 ending the day before."""
    on = on or probation_due_on(case)
    values = {"publicity_from": days_before(on, 14), "publicity_to": days_before(on, 1)}
    values.update(details)
    return case_advance(case=case, user=user, to_stage=Stage.FULL, on=on, **values)


# --- rules and months ------------------------------------------------------------------
def test_rules_come_from_the_table_and_fall_back_to_defaults(db):
    assert rule("activist_min_months") == 12
    DevelopmentRule.objects.filter(key="activist_min_months").update(value=18)
    assert rule("activist_min_months") == 18
    DevelopmentRule.objects.filter(key="probation_months").delete()
    assert rule("probation_months") == 12


def test_months_are_counted_in_whole_calendar_months():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 3, 15), -15) == datetime.date(2022, 12, 15)
    assert whole_months_between(datetime.date(2024, 1, 15), datetime.date(2024, 8, 14)) == 6
    assert whole_months_between(datetime.date(2024, 1, 15), datetime.date(2024, 8, 15)) == 7
    assert whole_months_between(datetime.date(2024, 1, 31), datetime.date(2024, 2, 29)) == 1


# --- application -----------------------------------------------------------------------
def test_it_records_an_application(bob, tree):
    case = new_case(bob, tree["A1"])
    assert case.stage == Stage.APPLICANT
    assert case.organization == tree["A1"]
    assert case.history.get().history_user == bob


def test_it_refuses_a_too_young_applicant_naming_the_rule(bob, tree):
    seventeen = add_months(ago(1), -12 * 17).isoformat()
    with pytest.raises(ValidationError) as exc:
        new_case(bob, tree["A1"], birth=seventeen, applied_on=ago(1))
    assert "不符合“申请入党最低年龄 18 周岁”：递交申请时仅 17 周岁。" in messages(exc)
    assert "applied_on" in exc.value.message_dict
    assert not DevelopmentCase.objects.exists()


def test_it_refuses_a_gender_that_disagrees_with_the_id_number(bob, tree):
    with pytest.raises(ValidationError) as exc:
        new_case(bob, tree["A1"], gender="F")
    assert "与身份证号码第 17 位不一致" in exc.value.message_dict["gender"][0]


def test_it_refuses_a_bad_id_number_and_a_future_date(bob, tree):
    with pytest.raises(ValidationError) as exc:
        new_case(
            bob,
            tree["A1"],
            id_number="51340119950308001X",
            applied_on=TODAY + datetime.timedelta(days=1),
        )
    assert "校验位不正确" in exc.value.message_dict["id_number"][0]
    assert exc.value.message_dict["applied_on"] == ["不能晚于今天。"]


def test_it_refuses_someone_already_on_the_roster(bob, tree):
    from tests.factories import make_member

    member = make_member(tree["A1"], seq=7, birth="1995-03-08", **ADULT_DATES)
    with pytest.raises(ValidationError) as exc:
        new_case(bob, tree["A1"], id_number=member.id_number)
    assert "已登记为党员" in exc.value.message_dict["id_number"][0]


def test_only_staff_of_the_organisation_may_open_a_case(bob, charlie, sam, tree):
    with pytest.raises(PermissionDenied):
        new_case(charlie, tree["A1"])
    with pytest.raises(PermissionDenied):
        new_case(sam, tree["A1"])
    assert not DevelopmentCase.objects.exists()


# --- order and gates -------------------------------------------------------------------
def test_stages_must_be_taken_in_order(bob, tree):
    case = new_case(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        case_advance(case=case, user=bob, to_stage=Stage.CANDIDATE, on=ago(1))
    assert "当前为“入党申请人”，下一步只能是“入党积极分子”" in messages(exc)


def test_gate_dates_may_be_neither_future_nor_before_the_previous_gate(bob, tree):
    case = new_case(bob, tree["A1"], applied_on=ago(6))
    with pytest.raises(ValidationError) as exc:
        case_advance(case=case, user=bob, to_stage=Stage.ACTIVIST, on=ago(7))
    assert "不能早于递交入党申请日期" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        case_advance(
            case=case, user=bob, to_stage=Stage.ACTIVIST, on=TODAY + datetime.timedelta(days=1)
        )
    assert exc.value.message_dict == {"on": ["不能晚于今天。"]}
    case.refresh_from_db()
    assert case.stage == Stage.APPLICANT


def test_it_refuses_a_candidate_before_the_activist_period(bob, tree):
    case = new_case(bob, tree["A1"], applied_on=ago(24))
    case = case_advance(case=case, user=bob, to_stage=Stage.ACTIVIST, on=ago(7), talked_on=ago(8))
    with pytest.raises(ValidationError) as exc:
        case_advance(case=case, user=bob, to_stage=Stage.CANDIDATE, on=TODAY)
    assert (
        "不符合“积极分子培养教育最短期限 12 个月”：确定为积极分子至今仅 7 个月"
        f"（最早可于 {add_months(ago(7), 12).isoformat()} 确定为发展对象）。"
    ) in messages(exc)
    case.refresh_from_db()
    assert (case.stage, case.candidate_on) == (Stage.ACTIVIST, None)


def test_the_activist_period_follows_the_configured_rule(bob, tree):
    DevelopmentRule.objects.filter(key="activist_min_months").update(value=6)
    case = new_case(bob, tree["A1"], applied_on=ago(24))
    case = case_advance(case=case, user=bob, to_stage=Stage.ACTIVIST, on=ago(7), talked_on=ago(8))
    case = case_advance(case=case, user=bob, to_stage=Stage.CANDIDATE, on=TODAY)
    assert case.stage == Stage.CANDIDATE


def test_a_candidate_needs_political_review_training_and_introducers(bob, tree):
    case = candidate(bob, tree["A1"])
    train(case, bob, hours="16")
    with pytest.raises(ValidationError) as exc:
        admit(case, bob, political_review_on=None, introducers="王建国")
    errors = exc.value.message_dict
    assert "须经政治审查" in errors["political_review_on"][0]
    assert errors["__all__"] == [
        "不符合“发展对象集中培训最少学时 24 学时”：培训记录合计仅 16 学时。"
    ]
    assert errors["introducers"] == ["不符合“入党介绍人人数 2 名”：仅填写了 1 名。"]
    case.refresh_from_db()
    assert case.stage == Stage.CANDIDATE
    assert case.member is None
    assert not Member.objects.filter(category="probationary").exists()


def test_training_hours_add_up_over_records(bob, tree):
    case = candidate(bob, tree["A1"])
    train(case, bob, hours="16")
    train(case, bob, hours="8.5")
    case = admit(case, bob)
    assert case.stage == Stage.PROBATIONARY


def test_political_review_must_fall_between_candidate_and_admission(bob, tree):
    case = candidate(bob, tree["A1"])
    train(case, bob)
    with pytest.raises(ValidationError) as exc:
        admit(case, bob, on=ago(22), political_review_on=ago(21))
    assert "政审须在支部大会" in exc.value.message_dict["political_review_on"][0]
    with pytest.raises(ValidationError) as exc:
        admit(case, bob, political_review_on=ago(25))
    assert "不能早于确定为发展对象日期" in exc.value.message_dict["political_review_on"][0]


def test_confirmation_waits_for_the_probation(bob, tree):
    case = candidate(bob, tree["A1"])
    train(case, bob)
    case = admit(case, bob, on=ago(9), political_review_on=ago(10))
    with pytest.raises(ValidationError) as exc:
        case_advance(case=case, user=bob, to_stage=Stage.FULL, on=TODAY)
    assert "不符合“预备期 12 个月”：接收为预备党员至今仅 9 个月" in messages(exc)
    member = Member.objects.get(pk=case.member_id)
    assert (member.category, member.confirmed_on) == ("probationary", None)


# --- the happy path: one Member for life ---------------------------------------------------
def test_from_application_to_full_member_with_exactly_one_member_record(bob, tree):
    case = new_case(bob, tree["A1"], applied_on=ago(40), name="赵小明")
    case = case_advance(case=case, user=bob, to_stage=Stage.ACTIVIST, on=ago(38), talked_on=ago(39))
    case = case_advance(case=case, user=bob, to_stage=Stage.CANDIDATE, on=ago(26))
    train(case, bob, on=ago(25))
    case = admit(case, bob, on=ago(13), political_review_on=ago(14))

    member = Member.objects.get(name="赵小明")
    assert case.member == member
    assert (member.name, member.id_number) == ("赵小明", case.id_number)
    assert member.category == "probationary"
    assert member.joined_on == ago(13)
    assert member.organization == tree["A1"]
    assert member.birth_date == datetime.date(1995, 3, 8)
    assert member.gender == "M"
    assert member.history.get().history_user == bob

    case = approve(case, bob)
    case = confirm(case, bob, on=ago(1))
    assert Member.objects.filter(name="赵小明").count() == 1
    member.refresh_from_db()
    # The 转正日期 is the end of the probation, not the day of the meeting (党章 第七条).
    assert (member.category, member.confirmed_on) == ("full", add_months(ago(13), 12))
    assert (case.confirmed_on, case.confirmation_meeting_on) == (add_months(ago(13), 12), ago(1))
    assert case.stage == Stage.FULL
    assert case.member_id == member.pk
    assert member.history.count() == 2
    assert list(case.history.values_list("stage", flat=True)) == [
        "full",
        "probationary",  # the 上级党委's 审批
        "probationary",
        "candidate",
        "activist",
        "applicant",
    ]
    with pytest.raises(ValidationError, match="发展程序已完成"):
        case_advance(case=case, user=bob, to_stage=Stage.FULL, on=TODAY)


def test_a_failed_member_creation_rolls_the_step_back(bob, tree):
    """If the roster refuses the record (e.g. imported meanwhile), the case stays put."""
    from tests.factories import make_member

    case = candidate(bob, tree["A1"])
    train(case, bob)
    make_member(tree["A2"], id_number=case.id_number, birth="1995-03-08", **ADULT_DATES)
    with pytest.raises(ValidationError) as exc:
        admit(case, bob)
    assert "党员档案：公民身份号码" in messages(exc)
    case.refresh_from_db()
    assert (case.stage, case.admitted_on, case.member_id) == (Stage.CANDIDATE, None, None)
    assert Member.objects.filter(id_number=case.id_number).count() == 1


# --- probation extension and closing ---------------------------------------------------
def test_an_extended_probation_moves_the_earliest_confirmation(bob, tree):
    case = candidate(bob, tree["A1"])
    train(case, bob)
    case = admit(case, bob, on=ago(14), political_review_on=ago(15))
    case = case_extend_probation(case=case, user=bob, months=6, reason="支部大会决定延长")
    assert case.probation_extended_months == 6
    with pytest.raises(ValidationError) as exc:
        case_advance(case=case, user=bob, to_stage=Stage.FULL, on=TODAY)
    assert "不符合“预备期 12 个月（延长 6 个月，共 18 个月）”" in messages(exc)
    assert case.history.first().history_change_reason == "延长预备期 6 个月：支部大会决定延长"


def test_probation_is_extended_only_once(bob, tree):
    case = candidate(bob, tree["A1"])
    train(case, bob)
    case = admit(case, bob)
    case = case_extend_probation(case=case, user=bob, months=8, reason="表现需继续考察")
    with pytest.raises(ValidationError) as exc:
        case_extend_probation(case=case, user=bob, months=6, reason="再延长")
    assert "预备期只能延长一次：该预备党员的预备期已延长 8 个月。" in messages(exc)
    case.refresh_from_db()
    assert case.probation_extended_months == 8


def test_only_a_probationary_member_can_have_the_probation_extended(bob, tree):
    case = new_case(bob, tree["A1"])
    with pytest.raises(ValidationError, match="只有预备党员"):
        case_extend_probation(case=case, user=bob, months=6, reason="x")


def test_a_closed_case_cannot_advance(bob, tree):
    case = new_case(bob, tree["A1"])
    case = case_close(case=case, user=bob, on=ago(1), reason="本人撤回申请")
    assert (case.closed_on, case.closed_reason) == (ago(1), "本人撤回申请")
    with pytest.raises(ValidationError, match="已终止培养"):
        case_advance(case=case, user=bob, to_stage=Stage.ACTIVIST, on=TODAY)


def test_closing_needs_a_reason(bob, tree):
    case = new_case(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        case_close(case=case, user=bob, on=TODAY, reason=" ")
    assert "reason" in exc.value.message_dict


def test_outsiders_and_secretaries_cannot_move_a_case(bob, charlie, sam, tree):
    case = new_case(bob, tree["A1"])
    for user in (charlie, sam):
        with pytest.raises(PermissionDenied):
            case_advance(case=case, user=user, to_stage=Stage.ACTIVIST, on=TODAY)
        with pytest.raises(PermissionDenied):
            case_close(case=case, user=user, on=TODAY, reason="x")
        with pytest.raises(PermissionDenied):
            train(case, user)
    assert not TrainingRecord.objects.exists()
    case.refresh_from_db()
    assert (case.stage, case.closed_on) == (Stage.APPLICANT, None)


# --- stalled cases ---------------------------------------------------------------------
def test_stalled_cases_name_the_rule_and_the_months(
    bob, alice, tree, django_assert_max_num_queries
):
    stale_applicant = new_case(bob, tree["A1"], applied_on=ago(14), seq=1, name="申请人甲")
    new_case(bob, tree["A1"], applied_on=ago(11), seq=2, name="申请人乙")
    overdue = candidate(bob, tree["A2"], seq=3, name="预备党员丙")
    train(overdue, bob)
    admit(overdue, bob, on=ago(13), political_review_on=ago(14))
    fresh_member = candidate(bob, tree["A2"], seq=4, name="预备党员丁")
    train(fresh_member, bob)
    admit(fresh_member, bob, on=ago(3), political_review_on=ago(4))
    closed = new_case(bob, tree["A1"], applied_on=ago(30), seq=5, name="已终止戊")
    case_close(case=closed, user=bob, on=ago(1), reason="不再符合条件")

    with django_assert_max_num_queries(2):
        found = stalled_cases(org=tree["C"], today=TODAY)
    by_name = {case.name: (key, message) for case, key, message in found}
    assert set(by_name) == {"申请人甲", "预备党员丙"}
    assert by_name["申请人甲"][0] == "applicant_stall_months"
    assert "为入党申请人已 14 个月" in by_name["申请人甲"][1]
    assert "超过 12 个月" in by_name["申请人甲"][1]
    assert by_name["预备党员丙"][0] == "probation_months"
    assert "至今仍未讨论转正（已过 1 个月）" in by_name["预备党员丙"][1]
    assert stale_applicant.pk in {c.pk for c, _k, _m in found}

    assert {c.name for c, _k, _m in stalled_cases(org=tree["A2"], today=TODAY)} == {"预备党员丙"}
    assert stalled_cases(user=charlie_like(tree), today=TODAY) == []
    assert len(stalled_cases(user=alice, today=TODAY)) == 2


def charlie_like(tree):
    from tests.factories import make_user

    return make_user("outsider", tree["B"], "staff")


def test_an_extension_postpones_the_overdue_warning(bob, tree):
    case = candidate(bob, tree["A1"])
    train(case, bob)
    case = admit(case, bob, on=ago(13), political_review_on=ago(14))
    assert len(stalled_cases(org=tree["A1"], today=TODAY)) == 1
    case_extend_probation(case=case, user=bob, months=6, reason="继续考察")
    assert stalled_cases(org=tree["A1"], today=TODAY) == []
