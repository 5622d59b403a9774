"""The 转正日期 is the day the probation ends (党章 第七条: 党龄 counts from it), not the day
of the 支部大会 that discussed 转正; that meeting is recorded apart and may not come before
the end of the probation, nor before the 上级党委's 审批 and the 转正 公示."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.periods import add_months
from members.models import DevelopmentCase, Member, Stage
from members.services.pipeline import case_extend_probation, probation_due_on
from tests.members.test_pipeline import admit, ago, approve, candidate, confirm, messages, train

DAY = datetime.timedelta(days=1)


def probationer(user, org, *, admitted_on=None, **fields) -> DevelopmentCase:
    """A 预备党员 admitted 13 months ago (by default), the admission approved."""
    case = candidate(user, org, **fields)
    train(case, user)
    case = admit(case, user, on=admitted_on or ago(13), political_review_on=ago(23))
    return approve(case, user)


def test_a_meeting_the_day_before_the_probation_ends_is_refused(bob, tree):
    case = probationer(bob, tree["A1"])
    end = probation_due_on(case)
    with pytest.raises(ValidationError) as exc:
        confirm(case, bob, on=end - DAY)
    assert (
        "不符合“预备期 12 个月”：接收为预备党员至 "
        f"{(end - DAY).isoformat()} 仅 11 个月（预备期于 {end.isoformat()} 期满，"
        "支部大会最早于当天讨论转正）。"
    ) in exc.value.message_dict["on"]
    case.refresh_from_db()
    assert (case.stage, case.confirmed_on, case.confirmation_meeting_on) == (
        Stage.PROBATIONARY,
        None,
        None,
    )
    assert case.member.category == "probationary"


@pytest.mark.parametrize("days_after_end", [0, 1, 20])
def test_the_confirmation_date_is_the_end_of_the_probation_whatever_the_meetings_day(
    bob, tree, days_after_end
):
    case = probationer(bob, tree["A1"], admitted_on=ago(13, days=days_after_end))
    end = probation_due_on(case)
    assert end == add_months(case.admitted_on, 12)
    meeting = end + days_after_end * DAY
    case = confirm(case, bob, on=meeting)
    assert (case.stage, case.confirmed_on, case.confirmation_meeting_on) == (
        Stage.FULL,
        end,
        meeting,
    )
    member = Member.objects.get(pk=case.member_id)
    assert (member.category, member.confirmed_on) == ("full", end)
    assert case.history.first().history_change_reason == (
        f"支部大会讨论通过转为正式党员（转正日期为预备期满之日 {end.isoformat()}）"
    )


def test_an_extension_moves_the_confirmation_date(bob, tree):
    case = probationer(bob, tree["A1"], admitted_on=ago(19))
    case = case_extend_probation(case=case, user=bob, months=6, reason="继续考察")
    end = probation_due_on(case)
    assert end == add_months(case.admitted_on, 18)
    with pytest.raises(ValidationError) as exc:
        confirm(case, bob, on=end - DAY)
    assert "不符合“预备期 12 个月（延长 6 个月，共 18 个月）”" in messages(exc)
    case = confirm(case, bob, on=end + DAY)
    assert (case.confirmed_on, case.confirmation_meeting_on) == (end, end + DAY)
    assert Member.objects.get(pk=case.member_id).confirmed_on == end


def test_confirmation_needs_the_approval_of_the_admission(bob, tree):
    case = candidate(bob, tree["A1"])
    train(case, bob)
    case = admit(case, bob, on=ago(13))
    with pytest.raises(ValidationError) as exc:
        confirm(case, bob)
    assert exc.value.message_dict["__all__"] == [
        "接收为预备党员尚未登记上级党委审批，请先在详情页登记审批，再讨论转正。"
    ]


@pytest.mark.parametrize(("last_offset", "refused"), [(-1, False), (0, True)])
def test_the_confirmation_publicity_ends_before_the_meeting(bob, tree, last_offset, refused):
    case = probationer(bob, tree["A1"])
    meeting = probation_due_on(case)
    publicity = {"publicity_from": meeting - 14 * DAY, "publicity_to": meeting + last_offset * DAY}
    if refused:
        with pytest.raises(ValidationError) as exc:
            confirm(case, bob, on=meeting, **publicity)
        assert exc.value.message_dict["publicity_to"] == [
            f"支部大会（{meeting.isoformat()}）须在公示期满之后召开，公示最晚于前一天结束。"
        ]
    else:
        assert confirm(case, bob, on=meeting, **publicity).stage == Stage.FULL


def test_the_confirmation_publicity_needs_five_working_days(bob, tree):
    case = probationer(bob, tree["A1"])
    end = probation_due_on(case)
    monday = end - datetime.timedelta(days=end.weekday() + 7)
    with pytest.raises(ValidationError) as exc:
        confirm(case, bob, on=end, publicity_from=monday, publicity_to=monday + 3 * DAY)
    assert "不符合“公示期 5 个工作日”" in messages(exc)
    assert "仅 4 个工作日（周一至周五）" in messages(exc)
    case = confirm(case, bob, on=end, publicity_from=monday, publicity_to=monday + 4 * DAY)
    assert case.confirmation_publicity_to == monday + 4 * DAY


def test_the_form_names_the_meeting_and_the_end_of_the_probation(client, bob, tree):
    case = probationer(bob, tree["A1"])
    end = probation_due_on(case)
    client.force_login(bob)
    url = reverse("members:case_advance", args=[case.pk])
    page = client.get(url).content.decode()
    assert "支部大会讨论转为正式党员日期" in page
    assert f"预备期于 {end.isoformat()} 期满，转正日期即为该日" in page
    meeting = end + 2 * DAY
    response = client.post(
        url,
        {
            "stage": "full",
            "on": meeting.isoformat(),
            "publicity_from": (meeting - 10 * DAY).isoformat(),
            "publicity_to": (meeting - 1 * DAY).isoformat(),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.confirmed_on, case.confirmation_meeting_on) == (end, meeting)


# --- the migration that corrects earlier confirmations -----------------------------------
def test_the_migration_keeps_the_old_date_as_the_meeting_and_corrects_the_confirmation(bob, tree):
    """A case confirmed before the change stored the meeting's day as the 转正日期."""
    case = probationer(bob, tree["A1"])
    end = probation_due_on(case)
    meeting = end + 5 * DAY
    case = confirm(case, bob, on=meeting)
    member = Member.objects.get(pk=case.member_id)
    DevelopmentCase.objects.filter(pk=case.pk).update(
        confirmed_on=meeting, confirmation_meeting_on=None
    )
    Member.objects.filter(pk=member.pk).update(confirmed_on=meeting)
    edited = probationer(bob, tree["A1"], seq=2, name="钱改过")
    edited = confirm(edited, bob, on=probation_due_on(edited) + 5 * DAY)
    edited_meeting = edited.confirmation_meeting_on
    DevelopmentCase.objects.filter(pk=edited.pk).update(
        confirmed_on=edited_meeting, confirmation_meeting_on=None
    )
    # The roster has changed this member's date since: left alone.
    Member.objects.filter(pk=edited.member_id).update(confirmed_on=edited_meeting + DAY)

    migration = importlib.import_module("members.migrations.0007_development_steps")
    migration.correct_confirmation_dates(django_apps, None)

    case.refresh_from_db()
    member.refresh_from_db()
    assert (case.confirmed_on, case.confirmation_meeting_on) == (end, meeting)
    assert member.confirmed_on == end
    # (Run here on the current models, whose own history signal adds a row of its own.)
    correction = {"history_change_reason__startswith": "转正日期更正为预备期满之日"}
    assert member.history.filter(confirmed_on=end, **correction).exists()
    assert case.history.filter(
        confirmed_on=end, confirmation_meeting_on=meeting, **correction
    ).exists()
    edited.refresh_from_db()
    assert edited.confirmation_meeting_on == edited_meeting
    assert Member.objects.get(pk=edited.member_id).confirmed_on == edited_meeting + DAY
    # A second run changes nothing.
    before = (case.history.count(), member.history.count())
    migration.correct_confirmation_dates(django_apps, None)
    assert (case.history.count(), member.history.count()) == before
