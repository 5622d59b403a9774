"""Attendance by name of 三会一课 records: who is listed, the rules, who may record, and
the head counts that follow from the names (entry page, edit, admin and import alike)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from members.models import Attendance, Member, PartyGroup
from members.services.attendance import (
    AttendanceEntry,
    attendance_sheet,
    clear_attendance,
    save_attendance,
    tallies_by_record,
)
from orgs.life.providers import attendance_tallies
from orgs.life.services import life_record_create, life_record_update
from orgs.models import OrgLifeRecord
from tests.attendance_helpers import meeting, named
from tests.factories import make_member, make_user
from tests.test_org_life_import import import_life, life_row, messages

DAY = datetime.date(2024, 4, 12)


@pytest.fixture
def people(tree):
    a1 = tree["A1"]
    return {
        "张三": make_member(a1, seq=1, name="张三"),
        "李四": make_member(a1, seq=2, name="李四"),
        "王五": make_member(a1, seq=3, name="王五"),
        "赵六": make_member(
            a1,
            seq=4,
            name="赵六",
            category="probationary",
            confirmed_on=None,
            joined_on=datetime.date(2024, 1, 10),
        ),
    }


@pytest.fixture
def record(tree, sam):
    return life_record_create(
        user=sam,
        organization=tree["A1"],
        kind="branch_assembly",
        held_on=DAY,
        topic="讨论发展党员",
        expected=10,
        present=8,
    )


def entries(record, **statuses):
    """Everyone listed present, except the names given as name=(status, reason)."""
    result = []
    for line in attendance_sheet(record):
        status, reason = statuses.get(line.member.name, ("present", ""))
        result.append(AttendanceEntry(line.member.pk, status, reason))
    return result


def test_the_branch_is_listed_all_present_by_default(record, people):
    lines = attendance_sheet(record)
    assert [line.member.name for line in lines] == ["张三", "李四", "王五", "赵六"]
    assert {line.status for line in lines} == {"present"}
    assert not any(line.recorded for line in lines)
    assert [line.voter for line in lines] == [True, True, True, False]  # 赵六 is 预备党员


def test_the_counts_follow_the_names_with_history(record, people, sam):
    result = save_attendance(
        user=sam,
        record=record,
        entries=entries(record, 李四=("leave", " 外出务工 "), 王五=("absent", "")),
    )
    assert (result.expected, result.present, result.created) == (4, 2, 4)
    record.refresh_from_db()
    assert (record.expected, record.present) == (4, 2)
    latest = record.history.first()
    assert latest.history_user == sam
    assert "按出席名单计算" in latest.history_change_reason
    leave = Attendance.objects.get(record=record, member=people["李四"])
    assert (leave.status, leave.reason) == ("leave", "外出务工")
    assert leave.history.get().history_user == sam
    # Saving the same again writes nothing.
    same = entries(record, 李四=("leave", "外出务工"), 王五=("absent", ""))
    again = save_attendance(user=sam, record=record, entries=same)
    assert (again.created, again.updated) == (0, 0)
    assert record.history.count() == 2


def test_a_leave_needs_its_reason_and_other_statuses_keep_none(record, people, sam):
    with pytest.raises(ValidationError) as excinfo:
        save_attendance(user=sam, record=record, entries=entries(record, 李四=("leave", " ")))
    key = f"reason_{people['李四'].pk}"
    assert excinfo.value.message_dict[key] == ["李四：请假须填写请假事由。"]
    assert not Attendance.objects.exists()
    too_long = "长" * 101
    with pytest.raises(ValidationError) as excinfo:
        save_attendance(user=sam, record=record, entries=entries(record, 李四=("leave", too_long)))
    assert "不能超过 100 个字符" in excinfo.value.message_dict[key][0]
    save_attendance(user=sam, record=record, entries=entries(record, 李四=("absent", "生病")))
    assert Attendance.objects.get(member=people["李四"]).reason == ""


def test_a_member_outside_the_list_is_refused(record, people, tree, sam):
    outsider = make_member(tree["B1"], seq=9, name="外村人")
    with pytest.raises(ValidationError) as excinfo:
        save_attendance(user=sam, record=record, entries=[AttendanceEntry(outsider.pk, "present")])
    assert "不在本次会议的名单中" in excinfo.value.messages[0]
    with pytest.raises(ValidationError):
        save_attendance(
            user=sam,
            record=record,
            entries=[AttendanceEntry(people["张三"].pk, "maybe")],
        )
    assert not Attendance.objects.exists()


def test_the_list_is_the_branch_on_the_meeting_day(record, people, tree):
    make_member(
        tree["A1"],
        seq=5,
        name="后入党",
        category="probationary",
        confirmed_on=None,
        joined_on=DAY + datetime.timedelta(days=1),
    )
    Member.objects.filter(pk=people["张三"].pk).update(
        status="deceased", status_changed_on=DAY + datetime.timedelta(days=30)
    )
    Member.objects.filter(pk=people["李四"].pk).update(
        status="transferred_out", status_changed_on=DAY - datetime.timedelta(days=1)
    )
    names = [line.member.name for line in attendance_sheet(record)]
    # Joined the day after: not yet a member. Died a month later: still listed. Left the
    # day before: gone.
    assert names == ["张三", "王五", "赵六"]


def test_a_group_meeting_lists_the_chosen_group(tree, people, bob):
    group = PartyGroup.objects.create(
        organization=tree["A1"], name="第一党小组", leader=people["张三"], formed_on=DAY
    )
    group.members.set([people["张三"], people["王五"]])
    record = meeting(tree["A1"], DAY, kind="group_meeting")
    assert attendance_sheet(record) == []
    assert [line.member.name for line in attendance_sheet(record, group)] == ["张三", "王五"]
    named(bob, record, group=group, absent=[people["王五"]])
    record.refresh_from_db()
    assert (record.expected, record.present) == (2, 1)
    # Once saved, the names recorded are listed without choosing the group again.
    assert [line.member.name for line in attendance_sheet(record)] == ["张三", "王五"]


def test_committee_meetings_count_heads_only(tree, people, bob):
    record = meeting(tree["A1"], DAY, kind="committee_meeting")
    with pytest.raises(ValidationError) as excinfo:
        save_attendance(user=bob, record=record, entries=[])
    assert "支委会只按人数登记" in excinfo.value.messages[0]


def test_only_who_may_change_the_record_records_the_names(record, people, tree, bob, charlie, leo):
    sue = make_user("sue", tree["A2"], "secretary")
    for user in (charlie, leo, sue):
        with pytest.raises(PermissionDenied):
            save_attendance(user=user, record=record, entries=entries(record))
        with pytest.raises(PermissionDenied):
            clear_attendance(user=user, record=record)
    assert not Attendance.objects.exists()
    save_attendance(user=bob, record=record, entries=entries(record))  # staff of A
    assert Attendance.objects.count() == 4


def test_the_counts_of_a_named_record_change_only_with_the_names(record, people, sam):
    named(sam, record, absent=[people["王五"]])
    record.refresh_from_db()
    values = {
        "kind": record.kind,
        "held_on": record.held_on,
        "topic": "讨论发展党员（更正）",
        "minutes": "",
    }
    with pytest.raises(ValidationError) as excinfo:
        life_record_update(user=sam, record=record, expected=10, present=9, **values)
    assert "由名单计算" in excinfo.value.message_dict["expected"][0]
    life_record_update(user=sam, record=record, expected=4, present=3, **values)
    record.refresh_from_db()
    assert record.topic == "讨论发展党员（更正）"


def test_an_import_keeps_the_counts_of_a_named_record(tree, people, bob):
    report = import_life([life_row()], user=bob)
    assert report.ok, messages(report)
    record = OrgLifeRecord.objects.get()
    named(bob, record, absent=[people["王五"]])
    changed = import_life([life_row(应到人数="12", 实到人数="9", 会议记录="补充")], user=bob)
    assert not changed.ok
    assert "由名单计算" in " ".join(messages(changed))
    same = import_life([life_row(应到人数="4", 实到人数="3", 会议记录="补充")], user=bob)
    assert same.ok, messages(same)
    record.refresh_from_db()
    assert (record.expected, record.present, record.minutes) == (4, 3, "补充")


def test_clearing_the_names_keeps_the_counts(record, people, sam):
    named(sam, record, absent=[people["王五"]])
    assert clear_attendance(user=sam, record=record) == 4
    record.refresh_from_db()
    assert (record.expected, record.present) == (4, 3)
    assert attendance_tallies([record.pk]) == {}
    deleted = Attendance.history.filter(history_type="-")
    assert deleted.count() == 4
    assert {h.history_user for h in deleted} == {sam}


def test_the_tallies_cost_one_query(tree, people, bob, django_assert_num_queries):
    records = [meeting(tree["A1"], DAY - datetime.timedelta(days=i)) for i in range(5)]
    for record in records:
        named(bob, record, leave=[people["李四"]], absent=[people["赵六"]])
    with django_assert_num_queries(1):
        tallies = tallies_by_record([r.pk for r in records])
    tally = tallies[records[0].pk]
    assert (tally.expected, tally.present, tally.on_leave, tally.absent) == (4, 2, 1, 1)
    assert (tally.voters_expected, tally.voters_present) == (3, 2)


def test_a_branch_without_members_has_nobody_to_list(tree, bob):
    record = meeting(tree["A2"], timezone.localdate())
    with pytest.raises(ValidationError) as excinfo:
        save_attendance(user=bob, record=record, entries=[])
    assert "名单为空" in excinfo.value.messages[0]
