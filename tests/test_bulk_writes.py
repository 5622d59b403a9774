"""core/bulk_writes.py: new rows and their history rows, as simple_history would write them."""

from __future__ import annotations

from core.bulk_writes import create_with_history
from members.models import Member
from tests.helpers import MEMBER_HEADERS, member_row, xlsx_bytes


def _members(village, count: int) -> list[Member]:
    from core.tables import read_table
    from members.resources.roster import MemberResource

    rows = [member_row(village.code, seq=i) for i in range(1, count + 1)]
    dataset = read_table(xlsx_bytes(rows, MEMBER_HEADERS), "m.xlsx")
    resource = MemberResource()
    resource.before_import(dataset)
    members = []
    for row in dataset.dict:
        member = Member()
        resource.import_instance(member, row)
        member.full_clean()
        members.append(member)
    return members


def test_rows_and_history_rows_match(tree, bob):
    members = _members(tree["A1"], 3)
    create_with_history(members, Member, user=bob, change_reason="导入 m.xlsx")
    assert all(m.pk for m in members)
    for member in members:
        stored = Member.objects.get(pk=member.pk)
        assert stored.id_number == member.id_number
        assert stored.id_tail == member.id_number[-4:]
        record = stored.history.get()
        assert (record.history_type, record.history_user, record.history_change_reason) == (
            "+",
            bob,
            "导入 m.xlsx",
        )
        for field in Member.history.model.tracked_fields:
            assert getattr(record, field.attname) == getattr(stored, field.attname), field.name


def test_without_history(tree):
    members = _members(tree["A1"], 2)
    create_with_history(members, Member, user=None, change_reason="", with_history=False)
    assert Member.objects.count() == 2
    assert Member.history.count() == 0
