"""Filling in and submitting a list (checklists.filling): who, what, and all or nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from checklists.filling import can_fill, checklist_submit, items_save
from checklists.issuing import issue_checklists
from checklists.models import ChecklistEvidence, ResponsibilityList
from core.periods import Quarter
from orgs.models import OrgLifeRecord
from tests.factories import make_user
from tests.test_org_life_services import png_bytes

YEAR = timezone.localdate().year
PNG = png_bytes()  # a real image: uploads are opened by Pillow
PDF = b"%PDF-1.4\n%test\n"


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def lists(tree, sam):
    issue_checklists(quarter=Quarter(YEAR, 1))
    return {
        c.organization.code: c for c in ResponsibilityList.objects.select_related("organization")
    }


@pytest.fixture
def a1(lists):
    return lists["A1"]


def first(checklist, position=1):
    return checklist.items.get(position=position)


def save(user, checklist, changes=None, files=None, revision=None, **kwargs):
    return items_save(
        user=user,
        checklist=checklist,
        changes=changes or {},
        files=files or {},
        expected_revision=checklist.revision if revision is None else revision,
        **kwargs,
    )


def test_only_the_secretary_of_the_organisation_itself_fills(lists, sam, bob, alice, leo):
    assert can_fill(sam, lists["A1"])
    assert not can_fill(sam, lists["A2"])
    # Staff review; they never report for a branch, not even their own township's.
    assert not can_fill(bob, lists["A1"])
    assert not can_fill(alice, lists["A"])
    assert not can_fill(leo, lists["A1"])
    # The township's secretary reports on the township's own list, not on its villages'.
    township_secretary = make_user("tina", lists["A"].organization, "secretary")
    assert can_fill(township_secretary, lists["A"])
    assert not can_fill(township_secretary, lists["A1"])
    with pytest.raises(PermissionDenied):
        save(township_secretary, lists["A1"], {first(lists["A1"]).pk: {"status": "done"}})
    with pytest.raises(PermissionDenied):
        checklist_submit(user=township_secretary, checklist=lists["A1"], expected_revision=0)
    assert ResponsibilityList.objects.get(pk=lists["A1"].pk).status == "draft"


def test_a_secretary_reads_only_their_own_organisations_lists(lists, sam, bob, leo):
    township_secretary = make_user("tina", lists["A"].organization, "secretary")
    visible = ResponsibilityList.objects.visible_to
    assert {c.organization.code for c in visible(township_secretary)} == {"A"}
    assert {c.organization.code for c in visible(sam)} == {"A1"}
    # Staff and leaders keep their subtrees.
    assert {c.organization.code for c in visible(bob)} == {"A", "A1", "A2"}
    assert {c.organization.code for c in visible(leo)} == {"A", "A1", "A2", "B", "B1"}
    # The items, evidence and rectifications follow their list.
    from checklists.models import ChecklistItem, Rectification

    assert (
        not ChecklistItem.objects.visible_to(township_secretary)
        .filter(checklist=lists["A1"])
        .exists()
    )
    assert ChecklistItem.objects.visible_to(sam).filter(checklist=lists["A1"]).count() == 9
    save(sam, lists["A1"], files={first(lists["A1"]).pk: [png()]})
    assert not ChecklistEvidence.objects.visible_to(township_secretary).exists()
    assert ChecklistEvidence.objects.visible_to(sam).count() == 1
    assert not Rectification.objects.visible_to(township_secretary).exists()


def test_a_secretary_who_is_also_staff_elsewhere_sees_both(lists, tree):
    from accounts.services import grant

    township_secretary = make_user("tina", tree["A"], "secretary")
    grant(username="tina", org_code="B", role="staff")
    codes = {c.organization.code for c in ResponsibilityList.objects.visible_to(township_secretary)}
    assert codes == {"A", "B", "B1"}


def test_a_superuser_sees_every_list(lists, db):
    from accounts.models import User

    root = User.objects.create_superuser("root", password="pw-for-tests-1")
    assert ResponsibilityList.objects.visible_to(root).count() == 5


def test_staff_cannot_save_a_secretarys_list(a1, bob):
    item = first(a1)
    with pytest.raises(PermissionDenied):
        save(bob, a1, {item.pk: {"status": "in_progress", "account": "x"}})
    assert first(a1).status == "not_started"


def test_a_draft_is_saved_with_history_and_a_new_revision(a1, sam):
    item = first(a1)
    saved = save(sam, a1, {item.pk: {"status": "done", "account": "  召开支部党员大会 1 次。 "}})
    item.refresh_from_db()
    assert (item.status, item.account) == ("done", "召开支部党员大会 1 次。")
    assert saved.revision == a1.revision + 1
    assert item.history.first().history_user == sam
    assert saved.history.first().history_user == sam
    assert saved.status == "draft"


def test_done_without_an_account_is_refused_and_nothing_is_saved(a1, sam):
    one, two = first(a1, 1), first(a1, 2)
    with pytest.raises(ValidationError) as caught:
        save(
            sam,
            a1,
            {one.pk: {"status": "in_progress", "account": "开展中"}, two.pk: {"status": "done"}},
            files={one.pk: [png()]},
        )
    assert caught.value.message_dict == {
        f"{two.pk}.account": ["第 2 项标为“已完成”，请填写落实情况。"]
    }
    one.refresh_from_db()
    assert one.status == "not_started"
    assert not ChecklistEvidence.objects.exists()
    a1.refresh_from_db()
    assert a1.revision == 0


def test_an_old_revision_is_a_conflict(a1, sam):
    item = first(a1)
    save(sam, a1, {item.pk: {"status": "in_progress", "account": "第一次"}})
    with pytest.raises(ValidationError) as caught:
        save(sam, a1, {item.pk: {"status": "in_progress", "account": "旧页面"}}, revision=0)
    assert caught.value.messages == ["清单已在别处修改，请刷新后再保存。"]
    item.refresh_from_db()
    assert item.account == "第一次"


def test_evidence_is_stored_and_a_renamed_program_refused_with_nothing_left(a1, sam):
    item = first(a1)
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(ValidationError) as caught:
        save(sam, a1, files={item.pk: [png(), fake]})
    # The check's message names the file; the item's prefix does not name it again.
    assert caught.value.message_dict[f"{item.pk}.files"] == [
        "第 1 项佐证材料：“照片.jpg”不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断，不看扩展名）。"
    ]
    assert not ChecklistEvidence.objects.exists()

    save(sam, a1, files={item.pk: [png(), SimpleUploadedFile("会议.pdf", PDF)]})
    stored = list(item.evidence.order_by("pk"))
    assert [(e.original_name, e.content_type) for e in stored] == [
        ("photo.png", "image/png"),
        ("会议.pdf", "application/pdf"),
    ]
    assert stored[0].uploaded_by == sam
    assert stored[0].file.storage.exists(stored[0].file.name)
    assert item.history.first().history_change_reason == "新增佐证材料 2 个"


def test_a_failed_save_removes_the_files_it_stored(a1, sam, monkeypatch):
    item = first(a1)
    stored_names = []
    original = ChecklistEvidence.save

    def save_then_fail(self, *args, **kwargs):
        stored_names.append(self.file.name)
        original(self, *args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(ChecklistEvidence, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        save(sam, a1, files={item.pk: [png()]})
    storage = ChecklistEvidence._meta.get_field("file").storage
    assert stored_names
    assert not storage.exists(stored_names[0])


def test_evidence_of_the_list_can_be_removed_while_editable(
    a1, lists, sam, django_capture_on_commit_callbacks
):
    item = first(a1)
    save(sam, a1, files={item.pk: [png("a.png"), png("b.png")]})
    a1.refresh_from_db()
    gone = item.evidence.get(original_name="a.png")
    name = gone.file.name
    with django_capture_on_commit_callbacks(execute=True):
        save(sam, a1, remove=[gone.pk])
    assert list(item.evidence.values_list("original_name", flat=True)) == ["b.png"]
    assert not gone.file.storage.exists(name)


def test_evidence_of_another_list_cannot_be_removed_through_this_one(lists, sam, tree):
    a1 = lists["A1"]
    other_secretary = make_user("sue", tree["A2"], "secretary")
    a2 = lists["A2"]
    save(other_secretary, a2, files={first(a2).pk: [png()]})
    theirs = ChecklistEvidence.objects.get()
    with pytest.raises(ValidationError):
        save(sam, a1, remove=[theirs.pk])
    assert ChecklistEvidence.objects.filter(pk=theirs.pk).exists()


def test_submitting_records_the_measured_values_and_locks_the_list(a1, sam):
    OrgLifeRecord.objects.create(
        organization=a1.organization,
        kind="branch_assembly",
        held_on=datetime.date(YEAR, 2, 1),
        topic="党员大会",
        expected=10,
        present=9,
    )
    submitted = checklist_submit(user=sam, checklist=a1, expected_revision=0)
    assert submitted.status == "submitted"
    assert submitted.submitted_at is not None
    assert submitted.revision == 1
    assert submitted.history.first().history_user == sam
    assembly = a1.items.get(indicator="branch_assemblies")
    assert assembly.measured_value == Decimal("1")
    assert assembly.history.first().history_user == sam
    item = first(a1)
    with pytest.raises(ValidationError) as caught:
        save(sam, submitted, {item.pk: {"status": "in_progress", "account": "改"}})
    assert "不能再修改" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        checklist_submit(user=sam, checklist=submitted, expected_revision=submitted.revision)


def test_submitting_after_the_deadline_is_allowed_but_marked_late(a1, sam):
    a1.deadline = timezone.localdate() - datetime.timedelta(days=1)
    a1.save()
    assert checklist_submit(user=sam, checklist=a1, expected_revision=0).late is True


def test_submitting_on_time_is_not_late(a1, sam):
    a1.deadline = timezone.localdate()
    a1.save()
    assert checklist_submit(user=sam, checklist=a1, expected_revision=0).late is False


def test_a_returned_list_is_editable_again_and_keeps_its_first_lateness(a1, sam):
    a1.deadline = timezone.localdate() + datetime.timedelta(days=3)
    a1.save()
    submitted = checklist_submit(user=sam, checklist=a1, expected_revision=0)
    # The reviewer sends it back after the deadline.
    ResponsibilityList.objects.filter(pk=a1.pk).update(
        status="returned", deadline=timezone.localdate() - datetime.timedelta(days=5)
    )
    returned = ResponsibilityList.objects.get(pk=a1.pk)
    item = first(returned)
    save(sam, returned, {item.pk: {"status": "done", "account": "按退回意见补充了记录。"}})
    returned.refresh_from_db()
    again = checklist_submit(user=sam, checklist=returned, expected_revision=returned.revision)
    assert again.status == "submitted"
    assert again.late is submitted.late is False


def test_submitting_needs_an_account_for_every_done_item(a1, sam):
    item = first(a1, 3)
    # Written past the service (an import, an admin edit): the submission still checks it.
    type(item).objects.filter(pk=item.pk).update(status="done", account="")
    with pytest.raises(ValidationError) as caught:
        checklist_submit(user=sam, checklist=a1, expected_revision=0)
    assert caught.value.messages == ["第 3 项标为“已完成”，请填写落实情况。"]
    a1.refresh_from_db()
    assert a1.status == "draft"


def test_submitting_with_an_old_revision_is_a_conflict(a1, sam):
    save(sam, a1, {first(a1).pk: {"status": "in_progress", "account": ""}})
    with pytest.raises(ValidationError):
        checklist_submit(user=sam, checklist=a1, expected_revision=0)
    a1.refresh_from_db()
    assert a1.status == "draft"


def test_staff_cannot_submit(a1, bob):
    with pytest.raises(PermissionDenied):
        checklist_submit(user=bob, checklist=a1, expected_revision=0)


def test_each_upload_is_read_for_its_type_once(a1, sam, monkeypatch):
    import checklists.filling as filling

    calls = []
    original = filling.upload_errors

    def counting(upload):
        calls.append(upload.name)
        return original(upload)

    monkeypatch.setattr(filling, "upload_errors", counting)
    item = first(a1)
    save(sam, a1, files={item.pk: [png("a.png"), SimpleUploadedFile("b.pdf", PDF)]})
    assert sorted(calls) == ["a.png", "b.pdf"]
    assert sorted(item.evidence.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]


def test_would_be_late_only_for_a_draft_past_its_deadline(a1):
    from checklists.filling import would_be_late

    today = timezone.localdate()
    a1.deadline = today - datetime.timedelta(days=1)
    assert would_be_late(a1, today)
    assert not would_be_late(a1, a1.deadline)
    a1.status = "returned"
    assert not would_be_late(a1, today)


def test_changed_since_names_the_items_saved_after_a_revision(a1, sam):
    from checklists.filling import changed_since

    one, two, three = first(a1, 1), first(a1, 2), first(a1, 3)
    saved = save(sam, a1, {one.pk: {"status": "in_progress", "account": "第一次"}})
    assert changed_since(saved, 0) == [one]
    again = save(
        sam,
        saved,
        {two.pk: {"status": "in_progress", "account": "二"}},
        files={three.pk: [png()]},
    )
    assert [i.position for i in changed_since(again, saved.revision)] == [2, 3]
    assert changed_since(again, again.revision) == []
