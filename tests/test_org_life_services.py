"""Organisation life records: the rules, who may record, history, and the quarterly
required-vs-recorded summary."""

from __future__ import annotations

import datetime
import os
import struct
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.periods import Quarter
from members.models import PartyGroup
from orgs.life.selectors import life_summary, life_summary_for_user
from orgs.life.services import (
    can_change_life_record,
    can_record_life,
    life_record_create,
    life_record_delete,
    life_record_update,
)
from orgs.models import MeetingRequirement, OrgLifeAttachment, OrgLifeRecord
from tests.factories import make_member, make_org, make_user


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xb7\x1c\x1c")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def photo(name: str = "会场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def record_for(user, org, **overrides):
    values = {
        "kind": "branch_assembly",
        "held_on": timezone.localdate(),
        "topic": "学习党章",
        "expected": 10,
        "present": 8,
        "minutes": "传达上级精神。",
        "files": [],
    }
    values.update(overrides)
    return life_record_create(user=user, organization=org, **values)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- rules -------------------------------------------------------------------------
def test_it_records_a_meeting_with_photos_and_history_naming_the_recorder(tree, sam):
    record = record_for(sam, tree["A1"], files=[photo("一.png"), photo("二.png")])
    assert record.recorded_by == sam
    assert record.quorate
    names = sorted(a.original_name for a in record.attachments.all())
    assert names == ["一.png", "二.png"]
    assert {a.content_type for a in record.attachments.all()} == {"image/png"}
    created = record.history.get()
    assert (created.history_type, created.history_user) == ("+", sam)


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        (
            {"held_on": timezone.localdate() + datetime.timedelta(days=1)},
            "held_on",
            "不能晚于今天",
        ),
        ({"held_on": None}, "held_on", "召开日期"),
        ({"present": 11}, "present", "实到人数（11）不能多于应到人数（10）"),
        ({"expected": 0, "present": 0}, "expected", "应到人数至少为 1"),
        ({"topic": "  "}, "topic", "主题"),
        ({"kind": "party_congress"}, "kind", "会议类型"),
    ],
)
def test_it_refuses_bad_values_naming_the_field(tree, bob, overrides, field, fragment):
    with pytest.raises(ValidationError) as excinfo:
        record_for(bob, tree["A1"], **overrides)
    assert fragment in " ".join(errors_of(excinfo)[field])
    assert not OrgLifeRecord.objects.exists()


def test_a_bad_file_leaves_no_record_and_no_file(tree, sam, settings):
    before = set(_stored_files(settings.MEDIA_ROOT))
    fake = SimpleUploadedFile("会场.jpg", b"MZ\x90\x00not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as excinfo:
        record_for(sam, tree["A1"], files=[photo(), fake])
    assert "“会场.jpg”" in errors_of(excinfo)["files"][0]
    assert not OrgLifeRecord.objects.exists()
    assert not OrgLifeAttachment.objects.exists()
    assert set(_stored_files(settings.MEDIA_ROOT)) == before


def test_a_failure_while_storing_removes_the_files_already_stored(tree, sam, settings, monkeypatch):
    before = set(_stored_files(settings.MEDIA_ROOT))
    original_save = OrgLifeAttachment.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(OrgLifeAttachment, "save", failing_save)
    with pytest.raises(RuntimeError):
        record_for(sam, tree["A1"], files=[photo(), photo()])
    assert not OrgLifeRecord.objects.exists()
    assert set(_stored_files(settings.MEDIA_ROOT)) == before


def _stored_files(root) -> list[str]:
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


# --- who may record ----------------------------------------------------------------
def test_the_secretary_of_a1_records_for_a1_but_not_a2(tree, sam):
    assert can_record_life(sam, tree["A1"])
    assert not can_record_life(sam, tree["A2"])
    record_for(sam, tree["A1"])
    with pytest.raises(PermissionDenied):
        record_for(sam, tree["A2"])
    assert OrgLifeRecord.objects.count() == 1


def test_a_secretary_of_a_township_records_for_its_villages(tree):
    secretary = make_user("tina", tree["A"], "secretary")
    assert can_record_life(secretary, tree["A2"])
    assert not can_record_life(secretary, tree["B1"])


def test_leaders_read_only_and_staff_write_their_subtree_only(tree, leo, bob, charlie):
    assert not can_record_life(leo, tree["A1"])
    with pytest.raises(PermissionDenied):
        record_for(leo, tree["A1"])
    assert can_record_life(bob, tree["A2"])
    assert not can_record_life(charlie, tree["A1"])
    with pytest.raises(PermissionDenied):
        record_for(charlie, tree["A1"])


def test_staff_and_the_recording_secretary_change_a_record_others_do_not(tree, sam, bob, leo):
    other_secretary = make_user("sara", tree["A1"], "secretary")
    record = record_for(sam, tree["A1"])
    assert can_change_life_record(sam, record)
    assert can_change_life_record(bob, record)
    assert not can_change_life_record(other_secretary, record)
    assert not can_change_life_record(leo, record)
    by_staff = record_for(bob, tree["A1"], topic="主题党日活动")
    assert not can_change_life_record(sam, by_staff)


def test_update_records_history_with_the_acting_user_and_removes_files(tree, sam, bob):
    record = record_for(sam, tree["A1"], files=[photo("旧.png")])
    old = record.attachments.get()
    updated = life_record_update(
        user=bob,
        record=record,
        kind="branch_assembly",
        held_on=record.held_on,
        topic="学习党章（修订）",
        expected=10,
        present=4,
        minutes="",
        files=[photo("新.png")],
        remove=[old.pk],
    )
    assert updated.topic == "学习党章（修订）"
    assert not updated.quorate
    assert [a.original_name for a in updated.attachments.all()] == ["新.png"]
    latest = updated.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user) == ("~", bob)
    with pytest.raises(ValidationError):
        life_record_update(
            user=bob,
            record=updated,
            kind="branch_assembly",
            held_on=record.held_on,
            topic="x",
            expected=3,
            present=4,
        )
    updated.refresh_from_db()
    assert updated.present == 4
    assert updated.expected == 10


def test_delete_records_who_deleted(tree, sam, leo):
    record = record_for(sam, tree["A1"], files=[photo()])
    with pytest.raises(PermissionDenied):
        life_record_delete(user=leo, record=record)
    life_record_delete(user=sam, record=record)
    assert not OrgLifeRecord.objects.exists()
    assert not OrgLifeAttachment.objects.exists()
    deleted = OrgLifeRecord.history.filter(history_type="-").get()
    assert deleted.history_user == sam


# --- the quarterly summary ---------------------------------------------------------
def _add(org, kind, day):
    return OrgLifeRecord.objects.create(
        organization=org, kind=kind, held_on=day, topic=f"{kind} {day}", expected=5, present=5
    )


def _rows(summary):
    return {row.kind: row for row in summary.rows}


def test_monthly_and_quarterly_requirements_count_the_quarter_only(tree):
    a1 = tree["A1"]
    for seq in range(7):  # 7 正式党员: A1 has a 支部委员会, which meets monthly
        make_member(a1, seq=seq + 1)
    _add(a1, "committee_meeting", datetime.date(2024, 4, 3))
    _add(a1, "committee_meeting", datetime.date(2024, 5, 3))
    _add(a1, "committee_meeting", datetime.date(2024, 3, 31))  # Q1: not counted in Q2
    _add(a1, "branch_assembly", datetime.date(2024, 6, 30))
    summaries = {s.organization.code: s for s in life_summary(tree["A"], Quarter(2024, 2))}
    assert set(summaries) == {"A1", "A2"}  # the township committee holds no branch meetings
    rows = _rows(summaries["A1"])
    assert (rows["committee_meeting"].required, rows["committee_meeting"].recorded) == (3, 2)
    assert rows["committee_meeting"].shortfall == 1
    assert (rows["branch_assembly"].required, rows["branch_assembly"].recorded) == (1, 1)
    assert rows["branch_assembly"].shortfall == 0
    assert rows["party_lecture"].shortfall == 1
    a2 = _rows(summaries["A2"])
    assert a2["theme_day"].shortfall == 3
    assert a2["committee_meeting"].not_required  # no members: no 支部委员会


def test_yearly_requirements_count_the_year_so_far_and_are_due_in_q4(tree):
    a1 = tree["A1"]
    _add(a1, "member_evaluation", datetime.date(2024, 2, 10))
    q1 = _rows(life_summary(a1, Quarter(2024, 1))[0])
    assert q1["life_meeting"].required == 0
    assert q1["life_meeting"].not_yet_due
    assert q1["life_meeting"].shortfall == 0
    assert q1["life_meeting"].due_quarter == Quarter(2024, 4)
    q4 = _rows(life_summary(a1, Quarter(2024, 4))[0])
    assert (q4["member_evaluation"].required, q4["member_evaluation"].recorded) == (1, 1)
    assert (q4["life_meeting"].required, q4["life_meeting"].recorded) == (1, 0)
    assert q4["life_meeting"].shortfall == 1
    # A record of the next year does not count for this one.
    _add(a1, "life_meeting", datetime.date(2025, 1, 5))
    assert _rows(life_summary(a1, Quarter(2024, 4))[0])["life_meeting"].recorded == 0


def test_requirements_are_configuration(tree):
    MeetingRequirement.objects.filter(kind="branch_assembly").update(
        period_months=6, times_per_period=2
    )
    MeetingRequirement.objects.filter(kind="group_meeting").update(times_per_period=2)
    a1 = tree["A1"]
    leader = make_member(a1, seq=1)
    group = PartyGroup.objects.create(
        organization=a1, name="第一党小组", leader=leader, formed_on=datetime.date(2023, 1, 1)
    )
    group.members.add(leader)
    _add(a1, "branch_assembly", datetime.date(2024, 1, 20))
    q1 = _rows(life_summary(a1, Quarter(2024, 1))[0])
    assert q1["branch_assembly"].not_yet_due
    assert q1["branch_assembly"].due_quarter == Quarter(2024, 2)
    assert q1["group_meeting"].required == 6
    q2 = _rows(life_summary(a1, Quarter(2024, 2))[0])
    assert (q2["branch_assembly"].required, q2["branch_assembly"].recorded) == (2, 1)
    q3 = _rows(life_summary(a1, Quarter(2024, 3))[0])
    assert q3["branch_assembly"].recorded == 0  # second half-year starts afresh


def test_the_summary_follows_the_users_scope(tree, charlie, sam):
    q1 = Quarter(2024, 1)
    assert [s.organization.code for s in life_summary_for_user(charlie, q1)] == ["B1"]
    assert [s.organization.code for s in life_summary_for_user(sam, q1)] == ["A1"]


def test_quarter_bounds():
    q1, q4 = Quarter(2024, 1), Quarter(2024, 4)
    assert (q1.first_day, q1.last_day) == (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    assert (q4.first_day, q4.last_day) == (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))


def _grow(parent, count):
    for _i in range(count):
        org = make_org(parent)
        _add(org, "theme_day", datetime.date(2024, 2, 1))
        _add(org, "life_meeting", datetime.date(2024, 11, 1))


@pytest.mark.parametrize("branches", [6, 30])
def test_the_summary_takes_a_constant_number_of_queries(tree, branches, django_assert_num_queries):
    _grow(tree["A"], branches)
    with django_assert_num_queries(4):
        summaries = life_summary(tree["A"], Quarter(2024, 4))
    assert len(summaries) == branches + 2  # plus A1 and A2
    assert sum(_rows(s)["life_meeting"].recorded for s in summaries) == branches
