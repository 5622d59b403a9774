"""The steps between the stages, at their edges: the talk after the application, the 公示
(working days, before the 支部大会), the 上级党委's 预审, talk and 审批, and introducers who
are 正式党员 on the roster on the day of admission."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import DevelopmentCase, DevelopmentRule, Member, Stage
from members.services.pipeline import case_advance, case_record_approval, working_days
from tests.factories import make_member
from tests.members.test_pipeline import (
    TODAY,
    admit,
    ago,
    approve,
    candidate,
    confirm,
    messages,
    new_case,
    train,
)

DAY = datetime.timedelta(days=1)
MONDAY = datetime.date(2026, 6, 1)


def monday_near(day: datetime.date) -> datetime.date:
    """The Monday of the week of `day`."""
    return day - datetime.timedelta(days=day.weekday())


def ready_candidate(user, org, **fields) -> DevelopmentCase:
    """A 发展对象 since ago(24) with the training done."""
    case = candidate(user, org, **fields)
    train(case, user)
    return case


# --- working days ----------------------------------------------------------------------
def test_working_days_count_monday_to_friday_both_ends_included():
    assert MONDAY.weekday() == 0
    assert working_days(MONDAY, MONDAY + 3 * DAY) == 4  # Monday to Thursday
    assert working_days(MONDAY, MONDAY + 4 * DAY) == 5  # to Friday
    assert working_days(MONDAY, MONDAY + 6 * DAY) == 5  # the weekend adds nothing
    assert working_days(MONDAY + 4 * DAY, MONDAY + 10 * DAY) == 5  # Friday to Thursday
    assert working_days(MONDAY + 5 * DAY, MONDAY + 6 * DAY) == 0  # a weekend
    assert working_days(MONDAY, MONDAY + 27 * DAY) == 20
    assert working_days(MONDAY + DAY, MONDAY) == 0


def test_the_new_rules_are_seeded_by_the_migration(db):
    figures = dict(DevelopmentRule.objects.values_list("key", "value"))
    assert figures["publicity_min_working_days"] == 5
    assert figures["probation_extension_min_months"] == 6


# --- the talk after the application ----------------------------------------------------
def test_the_activist_step_needs_the_talk(bob, tree):
    case = new_case(bob, tree["A1"], applied_on=ago(60))
    with pytest.raises(ValidationError) as exc:
        case_advance(case=case, user=bob, to_stage=Stage.ACTIVIST, on=ago(48))
    assert exc.value.message_dict == {
        "talked_on": ["党组织收到入党申请后须派人同申请人谈话，请填写谈话日期。"]
    }
    case.refresh_from_db()
    assert (case.stage, case.talked_on) == (Stage.APPLICANT, None)


@pytest.mark.parametrize(("offset", "refused"), [(-1, True), (0, False), (1, False)])
def test_the_talk_comes_on_or_after_the_application(bob, tree, offset, refused):
    applied = ago(60)
    case = new_case(bob, tree["A1"], applied_on=applied)
    talk = applied + offset * DAY
    if refused:
        with pytest.raises(ValidationError) as exc:
            case_advance(case=case, user=bob, to_stage=Stage.ACTIVIST, on=ago(48), talked_on=talk)
        assert exc.value.message_dict["talked_on"] == [
            f"谈话须在递交入党申请（{applied.isoformat()}）之后。"
        ]
    else:
        case = case_advance(
            case=case, user=bob, to_stage=Stage.ACTIVIST, on=ago(48), talked_on=talk
        )
        assert (case.stage, case.talked_on) == (Stage.ACTIVIST, talk)


@pytest.mark.parametrize(("offset", "refused"), [(-1, False), (0, False), (1, True)])
def test_the_talk_comes_on_or_before_the_activist_step(bob, tree, offset, refused):
    case = new_case(bob, tree["A1"], applied_on=ago(60))
    activist = ago(48)
    talk = activist + offset * DAY
    if refused:
        with pytest.raises(ValidationError) as exc:
            case_advance(case=case, user=bob, to_stage=Stage.ACTIVIST, on=activist, talked_on=talk)
        assert exc.value.message_dict["talked_on"] == [
            f"谈话须在确定为积极分子（{activist.isoformat()}）之前。"
        ]
    else:
        case = case_advance(
            case=case, user=bob, to_stage=Stage.ACTIVIST, on=activist, talked_on=talk
        )
        assert case.talked_on == talk


# --- the 公示 before admission ------------------------------------------------------------
def test_a_publicity_of_four_working_days_is_refused_naming_the_rule(bob, tree):
    case = ready_candidate(bob, tree["A1"])
    monday = monday_near(ago(20))
    meeting = monday + 7 * DAY
    with pytest.raises(ValidationError) as exc:
        admit(case, bob, on=meeting, publicity_from=monday, publicity_to=monday + 3 * DAY)
    assert exc.value.message_dict["publicity_to"] == [
        f"不符合“公示期 5 个工作日”：{monday.isoformat()} 至 "
        f"{(monday + 3 * DAY).isoformat()} 仅 4 个工作日（周一至周五）。"
    ]
    assert not Member.objects.filter(category="probationary").exists()


def test_a_publicity_of_five_working_days_admits(bob, tree):
    case = ready_candidate(bob, tree["A1"])
    monday = monday_near(ago(20))
    meeting = monday + 7 * DAY
    case = admit(case, bob, on=meeting, publicity_from=monday, publicity_to=monday + 4 * DAY)
    assert case.stage == Stage.PROBATIONARY
    assert (case.admission_publicity_from, case.admission_publicity_to) == (
        monday,
        monday + 4 * DAY,
    )


def test_the_publicity_follows_the_configured_days(bob, tree):
    DevelopmentRule.objects.filter(key="publicity_min_working_days").update(value=7)
    case = ready_candidate(bob, tree["A1"])
    monday = monday_near(ago(20))
    with pytest.raises(ValidationError) as exc:
        admit(case, bob, on=monday + 7 * DAY, publicity_from=monday, publicity_to=monday + 4 * DAY)
    assert "不符合“公示期 7 个工作日”" in messages(exc)
    case = admit(
        case, bob, on=monday + 14 * DAY, publicity_from=monday, publicity_to=monday + 8 * DAY
    )
    assert case.stage == Stage.PROBATIONARY


@pytest.mark.parametrize(("last_offset", "refused"), [(-1, False), (0, True)])
def test_the_meeting_comes_after_the_publicity_has_ended(bob, tree, last_offset, refused):
    case = ready_candidate(bob, tree["A1"])
    meeting = ago(20)
    first = meeting - 14 * DAY
    last = meeting + last_offset * DAY
    if refused:
        with pytest.raises(ValidationError) as exc:
            admit(case, bob, on=meeting, publicity_from=first, publicity_to=last)
        assert exc.value.message_dict["publicity_to"] == [
            f"支部大会（{meeting.isoformat()}）须在公示期满之后召开，公示最晚于前一天结束。"
        ]
    else:
        assert admit(case, bob, on=meeting, publicity_from=first, publicity_to=last).admitted_on


@pytest.mark.parametrize(("offset", "refused"), [(-1, True), (0, False)])
def test_the_publicity_is_of_the_candidate(bob, tree, offset, refused):
    case = ready_candidate(bob, tree["A1"])
    first = case.candidate_on + offset * DAY
    details = {
        "on": first + 20 * DAY,
        "publicity_from": first,
        "publicity_to": first + 13 * DAY,
        "political_review_on": case.candidate_on + DAY,
    }
    if refused:
        with pytest.raises(ValidationError) as exc:
            admit(case, bob, **details)
        assert exc.value.message_dict["publicity_from"] == [
            f"公示不能早于确定为发展对象日期（{case.candidate_on.isoformat()}）。"
        ]
    else:
        assert admit(case, bob, **details).stage == Stage.PROBATIONARY


def test_admission_without_publicity_or_pre_review_is_refused(bob, tree):
    case = ready_candidate(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        admit(case, bob, publicity_from=None, publicity_to=None, pre_review_on=None)
    errors = exc.value.message_dict
    assert errors["publicity_from"] == [
        "支部大会讨论前须公示不少于 5 个工作日，请填写公示开始和结束日期。"
    ]
    assert errors["pre_review_on"] == [
        "发展对象须经上级党委预审合格才能提交支部大会讨论，请填写预审日期。"
    ]


# --- the 上级党委 预审 before admission -----------------------------------------------------
@pytest.mark.parametrize(("offset", "refused"), [(-1, False), (0, True)])
def test_the_pre_review_comes_before_the_meeting(bob, tree, offset, refused):
    case = ready_candidate(bob, tree["A1"])
    meeting = ago(22)
    if refused:
        with pytest.raises(ValidationError) as exc:
            admit(case, bob, on=meeting, pre_review_on=meeting)
        assert exc.value.message_dict["pre_review_on"] == [
            f"上级党委预审须在支部大会（{meeting.isoformat()}）之前。"
        ]
    else:
        case = admit(case, bob, on=meeting, pre_review_on=meeting + offset * DAY)
        assert case.pre_review_on == meeting - DAY


@pytest.mark.parametrize(("offset", "refused"), [(-1, True), (0, False)])
def test_the_pre_review_is_of_the_candidate(bob, tree, offset, refused):
    case = ready_candidate(bob, tree["A1"])
    review = case.candidate_on + offset * DAY
    if refused:
        with pytest.raises(ValidationError) as exc:
            admit(case, bob, pre_review_on=review)
        assert exc.value.message_dict["pre_review_on"] == [
            f"预审对象是发展对象，不能早于确定为发展对象日期（{case.candidate_on.isoformat()}）。"
        ]
    else:
        assert admit(case, bob, pre_review_on=review).pre_review_on == review


# --- introducers who are 正式党员 on the roster -------------------------------------------
def test_an_introducer_missing_from_the_roster_is_named(bob, tree):
    case = ready_candidate(bob, tree["A1"])
    meeting = ago(22)
    with pytest.raises(ValidationError) as exc:
        admit(case, bob, on=meeting, introducers="王建国、张三")
    assert exc.value.message_dict["introducers"] == [
        "不符合“入党介绍人人数 2 名正式党员”：“张三”不是“甲一村支部”（含下级组织）"
        f"党员名册中 {meeting.isoformat()} 时的正式党员。"
    ]


def test_a_name_written_twice_is_one_introducer(bob, tree):
    case = ready_candidate(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        admit(case, bob, introducers="王建国、王建国")
    assert exc.value.message_dict["introducers"] == ["不符合“入党介绍人人数 2 名”：仅填写了 1 名。"]


def test_a_probationary_member_cannot_introduce(bob, tree):
    make_member(
        tree["A1"], name="钱预备", category="probationary", joined_on=ago(6), confirmed_on=None
    )
    case = ready_candidate(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        admit(case, bob, introducers="王建国、钱预备")
    assert "“钱预备”不是“甲一村支部”" in messages(exc)


@pytest.mark.parametrize(("offset", "refused"), [(0, False), (1, True)])
def test_the_introducer_is_a_full_member_on_the_day_of_the_meeting(bob, tree, offset, refused):
    meeting = ago(22)
    make_member(
        tree["A1"],
        name="孙正式",
        joined_on=meeting - 400 * DAY,
        confirmed_on=meeting + offset * DAY,
    )
    case = ready_candidate(bob, tree["A1"])
    if refused:
        with pytest.raises(ValidationError) as exc:
            admit(case, bob, on=meeting, introducers="王建国、孙正式")
        assert "“孙正式”不是" in messages(exc)
    else:
        assert admit(case, bob, on=meeting, introducers="王建国、孙正式").admitted_on == meeting


@pytest.mark.parametrize(("offset", "refused"), [(0, True), (1, False)])
def test_an_introducer_who_has_left_the_party_since_still_counts(bob, tree, offset, refused):
    """Left on the meeting's day: no longer a member then; left after it: still was."""
    meeting = ago(22)
    make_member(
        tree["A1"],
        name="周已故",
        status="deceased",
        status_changed_on=meeting + offset * DAY,
    )
    case = ready_candidate(bob, tree["A1"])
    if refused:
        with pytest.raises(ValidationError) as exc:
            admit(case, bob, on=meeting, introducers="王建国、周已故")
        assert "“周已故”不是" in messages(exc)
    else:
        assert admit(case, bob, on=meeting, introducers="王建国、周已故").admitted_on == meeting


def test_introducers_come_from_the_cases_subtree_only(bob, tree):
    make_member(tree["A2"], name="吴邻村")
    make_member(tree["A1"], name="郑本村")
    case = ready_candidate(bob, tree["A1"], seq=1)
    with pytest.raises(ValidationError) as exc:
        admit(case, bob, introducers="王建国、吴邻村")
    assert "“吴邻村”不是“甲一村支部”" in messages(exc)
    # A township's case may name members of its villages.
    township_case = ready_candidate(bob, tree["A"], seq=2)
    assert admit(township_case, bob, introducers="王建国、郑本村").stage == Stage.PROBATIONARY


# --- the 上级党委's talk and 审批 after admission ---------------------------------------------
def admitted(user, org, on=None) -> DevelopmentCase:
    return admit(ready_candidate(user, org), user, on=on or ago(14))


@pytest.mark.parametrize(("offset", "refused"), [(-1, True), (0, False), (1, False)])
def test_the_approval_comes_on_or_after_the_admission(bob, tree, offset, refused):
    case = admitted(bob, tree["A1"])
    day = case.admitted_on + offset * DAY
    if refused:
        with pytest.raises(ValidationError) as exc:
            case_record_approval(case=case, user=bob, committee_talk_on=day, approved_on=day)
        assert exc.value.message_dict["approved_on"] == [
            f"上级党委审批须在支部大会接收（{case.admitted_on.isoformat()}）之后。"
        ]
        case.refresh_from_db()
        assert case.approved_on is None
    else:
        case = case_record_approval(case=case, user=bob, committee_talk_on=day, approved_on=day)
        assert (case.committee_talk_on, case.approved_on) == (day, day)
        assert case.history.first().history_change_reason == "上级党委审批接收为预备党员"


@pytest.mark.parametrize(("offset", "refused"), [(0, False), (1, True)])
def test_the_committees_talk_comes_before_the_approval(bob, tree, offset, refused):
    case = admitted(bob, tree["A1"])
    approved = case.admitted_on + 20 * DAY
    talk = approved + offset * DAY
    if refused:
        with pytest.raises(ValidationError) as exc:
            case_record_approval(case=case, user=bob, committee_talk_on=talk, approved_on=approved)
        assert exc.value.message_dict["committee_talk_on"] == [
            f"谈话须在上级党委审批（{approved.isoformat()}）之前。"
        ]
    else:
        case = case_record_approval(
            case=case, user=bob, committee_talk_on=talk, approved_on=approved
        )
        assert case.committee_talk_on == talk


def test_the_approval_needs_the_talk_and_happens_once(bob, tree):
    case = admitted(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        case_record_approval(case=case, user=bob, committee_talk_on=None, approved_on=ago(13))
    assert exc.value.message_dict == {
        "committee_talk_on": ["上级党委审批前须派人同发展对象谈话，请填写谈话日期。"]
    }
    with pytest.raises(ValidationError) as exc:
        case_record_approval(case=case, user=bob, committee_talk_on=TODAY, approved_on=TODAY + DAY)
    assert exc.value.message_dict["approved_on"] == ["不能晚于今天。"]
    case = approve(case, bob)
    with pytest.raises(ValidationError, match="已于 .* 登记上级党委审批"):
        approve(case, bob)


def test_only_an_admitted_case_is_approved(bob, tree):
    case = ready_candidate(bob, tree["A1"])
    with pytest.raises(ValidationError, match="只有支部大会已接收的预备党员"):
        case_record_approval(case=case, user=bob, committee_talk_on=TODAY, approved_on=TODAY)


# --- pages -------------------------------------------------------------------------------
def test_the_case_page_lists_every_step_in_order_with_its_dates(client, bob, tree):
    case = admit(ready_candidate(bob, tree["A1"], name="孙立"), bob, on=ago(13))
    case = confirm(approve(case, bob), bob)
    client.force_login(bob)
    content = client.get(case.get_absolute_url()).content.decode()
    labels = [
        "递交入党申请",
        "党组织派人谈话",
        "确定为入党积极分子",
        "确定为发展对象",
        "政治审查",
        "接收预备党员公示",
        "上级党委预审",
        "支部大会接收为预备党员",
        "上级党委派人谈话",
        "上级党委审批",
        "转正公示",
        "支部大会讨论转正",
        "转为正式党员（转正日期）",
    ]
    steps = content[content.index('id="gates-title"') :]
    positions = [steps.index(f'<th scope="row">{label}</th>') for label in labels]
    assert positions == sorted(positions)
    for day in (
        case.talked_on,
        case.admission_publicity_from,
        case.admission_publicity_to,
        case.pre_review_on,
        case.approved_on,
        case.confirmation_meeting_on,
        case.confirmed_on,
    ):
        assert day.isoformat() in steps
    assert "个工作日" in steps


def test_the_advance_pages_ask_for_the_steps_of_their_stage(client, bob, tree):
    applicant = new_case(bob, tree["A1"], seq=1)
    candidate_case = ready_candidate(bob, tree["A1"], seq=2)
    client.force_login(bob)
    page = client.get(reverse("members:case_advance", args=[applicant.pk])).content.decode()
    assert "党组织派人谈话日期" in page
    assert "上级党委预审日期" not in page
    page = client.get(reverse("members:case_advance", args=[candidate_case.pk])).content.decode()
    for label in ("公示开始日期", "公示结束日期", "上级党委预审日期", "入党介绍人"):
        assert label in page
    assert "不少于 5 个工作日" in page


def test_staff_record_the_approval_on_its_page(client, bob, tree):
    case = admitted(bob, tree["A1"])
    client.force_login(bob)
    detail = client.get(case.get_absolute_url()).content.decode()
    url = reverse("members:case_approval", args=[case.pk])
    assert url in detail
    day = case.admitted_on + 10 * DAY
    response = client.post(url, {"committee_talk_on": "", "approved_on": day.isoformat()})
    assert response.status_code == 200
    assert "上级党委审批前须派人同发展对象谈话" in response.content.decode()
    response = client.post(
        url, {"committee_talk_on": day.isoformat(), "approved_on": day.isoformat()}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.approved_on == day
    assert url not in client.get(case.get_absolute_url()).content.decode()


def test_outsiders_and_secretaries_cannot_record_an_approval(client, bob, charlie, sam, tree):
    case = admitted(bob, tree["A1"])
    url = reverse("members:case_approval", args=[case.pk])
    data = {"committee_talk_on": TODAY.isoformat(), "approved_on": TODAY.isoformat()}
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(sam)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    case.refresh_from_db()
    assert (case.committee_talk_on, case.approved_on) == (None, None)


def test_the_admin_keeps_checked_introducers_read_only(client, bob, tree):
    case = admitted(bob, tree["A1"])
    url = reverse("admin:members_developmentcase_change", args=[case.pk])
    client.force_login(bob)
    assert 'name="introducers"' not in client.get(url).content.decode()
    client.post(
        url,
        {
            "ethnicity": "01",
            "education": "bachelor",
            "job": "farmer",
            "political_review_result": "",
            "introducers": "张三、李四",
            "note": "",
        },
    )
    case.refresh_from_db()
    assert case.introducers == "王建国、李红"
