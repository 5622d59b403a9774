"""The weak-and-lax register's services: the organisation's flag follows every transition,
validation names the field, only staff with write scope change it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.choices import WeakLaxSituation, WeakLaxStatus
from assessments.models import WeakLaxEntry
from assessments.register.export import export_rows
from assessments.register.selectors import entry_history, register_for, register_summary
from assessments.register.services import (
    entry_close,
    entry_create,
    entry_delete,
    entry_review,
    entry_update,
    sync_flag,
)
from core.cell_escaping import escape_cell
from orgs.models import Organization

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=90)


def flagged(org) -> bool:
    return Organization.objects.get(pk=org.pk).is_weak_and_lax


def register(user, org, **overrides) -> WeakLaxEntry:
    values = {
        "year": TODAY.year,
        "situations": [WeakLaxSituation.ORGANISATION_INACTIVE, WeakLaxSituation.LIFE_IRREGULAR],
        "measures": "县领导联村，选派第一书记，每月督导一次。",
        "responsible_person": "张强",
        "deadline": LATER,
    }
    values.update(overrides)
    return entry_create(user=user, organization=org, **values)


def messages_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- register ↔ flag -------------------------------------------------------------------
def test_it_flags_the_organisation_when_registered(bob, tree):
    entry = register(bob, tree["A1"])
    assert entry.status == WeakLaxStatus.RECTIFYING
    assert entry.created_by == bob
    assert flagged(tree["A1"])
    assert not flagged(tree["A2"])


def test_closing_unflags_and_a_failed_review_flags_again(bob, tree):
    entry = register(bob, tree["A1"])
    entry = entry_close(user=bob, entry=entry, on=TODAY, note="班子调整到位，验收合格")
    assert entry.status == WeakLaxStatus.CLOSED
    assert entry.closed_on == TODAY
    assert not flagged(tree["A1"])

    entry = entry_review(user=bob, entry=entry, on=TODAY, result="群众反映仍较多", passed=False)
    assert entry.status == WeakLaxStatus.RECTIFYING
    assert entry.closed_on is None
    assert entry.review_on == TODAY
    assert entry.review_result == "群众反映仍较多"
    assert flagged(tree["A1"])

    entry = entry_close(user=bob, entry=entry, on=TODAY, note="二次整改完成")
    assert not flagged(tree["A1"])
    entry = entry_review(user=bob, entry=entry, on=TODAY, result="巩固良好", passed=True)
    assert entry.status == WeakLaxStatus.REVIEW
    assert not flagged(tree["A1"])


def test_a_passed_review_keeps_the_organisation_unflagged(bob, tree):
    entry = register(bob, tree["A1"])
    entry = entry_close(user=bob, entry=entry, on=TODAY, note="完成")
    entry = entry_review(user=bob, entry=entry, on=TODAY, result="成效巩固", passed=True)
    assert entry.status == WeakLaxStatus.REVIEW
    assert not flagged(tree["A1"])


def test_the_flag_stays_while_another_years_entry_is_open(bob, tree):
    old = register(bob, tree["A1"], year=TODAY.year - 1)
    new = register(bob, tree["A1"])
    entry_close(user=bob, entry=old, on=TODAY, note="上年整顿完成")
    assert flagged(tree["A1"])  # this year's entry is still open
    entry_close(user=bob, entry=new, on=TODAY, note="本年整顿完成")
    assert not flagged(tree["A1"])


def test_deleting_an_entry_unflags_the_organisation(bob, tree):
    entry = register(bob, tree["A1"])
    entry_delete(user=bob, entry=entry)
    assert not WeakLaxEntry.objects.exists()
    assert not flagged(tree["A1"])


def test_a_stale_hand_set_flag_is_corrected_by_sync(bob, tree):
    Organization.objects.filter(pk=tree["A2"].pk).update(is_weak_and_lax=True)
    assert sync_flag(tree["A2"], user=bob) is True
    assert not flagged(tree["A2"])
    assert sync_flag(tree["A2"], user=bob) is False


def test_the_flag_change_is_recorded_with_the_user_and_the_reason(bob, tree):
    entry = register(bob, tree["A1"])
    entry_close(user=bob, entry=entry, on=TODAY, note="完成")
    records = list(Organization.objects.get(pk=tree["A1"].pk).history.order_by("-history_id"))
    assert [r.is_weak_and_lax for r in records[:2]] == [False, True]
    assert records[0].history_user == bob
    assert records[0].history_change_reason == "软弱涣散整顿台账：销号"
    assert records[1].history_change_reason == "软弱涣散整顿台账：登记"


def test_syncing_the_flag_never_moves_the_organisation(bob, tree):
    stale = Organization.objects.get(pk=tree["A1"].pk)
    stale.path = "ZZZZ"  # a copy with a wrong tree position must not be written back
    stale.name = "改过的名字"
    sync_flag(stale, user=bob)
    Organization.objects.filter(pk=stale.pk).update(is_weak_and_lax=False)
    register(bob, stale)
    fresh = Organization.objects.get(pk=tree["A1"].pk)
    assert fresh.path == tree["A1"].path
    assert fresh.name == "甲一村支部"
    assert fresh.is_weak_and_lax


def test_entry_history_names_the_user_and_the_close_note(bob, tree):
    entry = register(bob, tree["A1"])
    entry_close(user=bob, entry=entry, on=TODAY, note="验收合格")
    history, more = entry_history(entry=entry)
    assert not more
    assert history[0].user == bob
    assert history[0].reason == "销号：验收合格"
    assert {c.label for c in history[0].changes} >= {"状态", "销号日期"}
    assert history[-1].reason == "登记"


# --- validation ------------------------------------------------------------------------
def test_it_needs_a_situation(bob, tree):
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"], situations=[])
    assert messages_of(exc) == {"situations": ["请至少选择一种存在情形。"]}
    assert not WeakLaxEntry.objects.exists()
    assert not flagged(tree["A1"])


def test_it_refuses_an_unknown_situation(bob, tree):
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"], situations=["made_up"])
    assert "不是标准情形" in messages_of(exc)["situations"][0]


def test_the_deadline_cannot_precede_the_registration(bob, tree):
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"], deadline=TODAY - datetime.timedelta(days=1))
    assert messages_of(exc)["deadline"] == [f"整顿期限不能早于登记日期 {TODAY.isoformat()}。"]


def test_required_text_is_named(bob, tree):
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"], measures="  ", responsible_person="")
    assert messages_of(exc) == {
        "measures": ["请填写整顿措施。"],
        "responsible_person": ["请填写责任人。"],
    }


def test_the_year_cannot_be_in_the_future(bob, tree):
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"], year=TODAY.year + 1)
    assert "年度须在" in messages_of(exc)["year"][0]


def test_one_entry_per_organisation_and_year(bob, tree):
    register(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"])
    assert messages_of(exc)["year"] == [
        f"“甲一村支部”{TODAY.year} 年已有整顿台账，请在原台账中修改。"
    ]
    assert WeakLaxEntry.objects.count() == 1


def test_a_duplicate_past_the_check_gets_the_same_message(bob, tree, monkeypatch):
    """Two users registering at once: the database constraint answers, in words."""
    register(bob, tree["A1"])
    monkeypatch.setattr("assessments.register.services.entry_errors", lambda **kwargs: {})
    with pytest.raises(ValidationError) as exc:
        register(bob, tree["A1"])
    assert messages_of(exc)["year"] == [
        f"“甲一村支部”{TODAY.year} 年已有整顿台账，请在原台账中修改。"
    ]
    assert WeakLaxEntry.objects.count() == 1


def test_update_corrects_facts_but_not_the_status(bob, tree):
    entry = register(bob, tree["A1"])
    entry = entry_close(user=bob, entry=entry, on=TODAY, note="完成")
    stale = WeakLaxEntry.objects.get(pk=entry.pk)
    stale.status = WeakLaxStatus.RECTIFYING  # e.g. an old version restored from history
    updated = entry_update(
        user=bob,
        entry=stale,
        year=TODAY.year,
        situations=[WeakLaxSituation.WEAK_ECONOMY],
        measures="发展合作社",
        responsible_person="李明",
        deadline=LATER,
    )
    assert updated.status == WeakLaxStatus.CLOSED
    assert updated.situations == [WeakLaxSituation.WEAK_ECONOMY]
    assert not flagged(tree["A1"])


def test_update_refuses_another_years_duplicate(bob, tree):
    register(bob, tree["A1"], year=TODAY.year - 1)
    entry = register(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        entry_update(
            user=bob,
            entry=entry,
            year=TODAY.year - 1,
            situations=entry.situations,
            measures=entry.measures,
            responsible_person=entry.responsible_person,
            deadline=entry.deadline,
        )
    assert "已有整顿台账" in messages_of(exc)["year"][0]
    assert WeakLaxEntry.objects.get(pk=entry.pk).year == TODAY.year


def test_closing_needs_a_note_and_a_sensible_date(bob, tree):
    entry = register(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        entry_close(user=bob, entry=entry, on=TODAY + datetime.timedelta(days=1), note="")
    assert messages_of(exc) == {
        "on": ["日期不能晚于今天。"],
        "note": ["请填写销号说明（整改成效）。"],
    }
    with pytest.raises(ValidationError) as exc:
        entry_close(user=bob, entry=entry, on=TODAY - datetime.timedelta(days=1), note="完成")
    assert messages_of(exc)["on"] == [f"日期不能早于登记日期 {TODAY.isoformat()}。"]
    assert flagged(tree["A1"])


def test_a_closed_entry_cannot_be_closed_again(bob, tree):
    entry = entry_close(user=bob, entry=register(bob, tree["A1"]), on=TODAY, note="完成")
    with pytest.raises(ValidationError) as exc:
        entry_close(user=bob, entry=entry, on=TODAY, note="再次")
    assert exc.value.messages == ["只有“整顿中”的台账可以销号（当前：已销号）。"]


def test_review_only_after_closing(bob, tree):
    entry = register(bob, tree["A1"])
    with pytest.raises(ValidationError) as exc:
        entry_review(user=bob, entry=entry, on=TODAY, result="好", passed=True)
    assert exc.value.messages == ["销号后才能回头看。"]
    assert WeakLaxEntry.objects.get(pk=entry.pk).status == WeakLaxStatus.RECTIFYING


def test_review_needs_result_and_conclusion(bob, tree):
    entry = entry_close(user=bob, entry=register(bob, tree["A1"]), on=TODAY, note="完成")
    with pytest.raises(ValidationError) as exc:
        entry_review(user=bob, entry=entry, on=None, result=" ", passed=None)
    assert messages_of(exc) == {
        "on": ["请填写日期。"],
        "result": ["请填写回头看结果。"],
        "passed": ["请选择回头看结论。"],
    }


# --- scope -----------------------------------------------------------------------------
def test_staff_of_another_subtree_cannot_register(charlie, tree):
    with pytest.raises(PermissionDenied):
        register(charlie, tree["A1"])
    assert not flagged(tree["A1"])


@pytest.mark.parametrize("reader", ["sam", "leo"])
def test_secretaries_and_leaders_only_read(request, bob, tree, reader):
    user = request.getfixturevalue(reader)
    with pytest.raises(PermissionDenied):
        register(user, tree["A1"])
    entry = register(bob, tree["A1"])
    with pytest.raises(PermissionDenied):
        entry_close(user=user, entry=entry, on=TODAY, note="完成")
    assert flagged(tree["A1"])


def test_outsider_cannot_close(bob, charlie, tree):
    entry = register(bob, tree["A1"])
    with pytest.raises(PermissionDenied):
        entry_close(user=charlie, entry=entry, on=TODAY, note="完成")
    with pytest.raises(PermissionDenied):
        entry_delete(user=charlie, entry=entry)
    assert WeakLaxEntry.objects.get(pk=entry.pk).status == WeakLaxStatus.RECTIFYING


# --- selectors -------------------------------------------------------------------------
def test_register_of_a_subtree_and_its_summary(alice, tree, django_assert_num_queries):
    register(alice, tree["A1"], deadline=TODAY)
    overdue = register(alice, tree["A2"])
    WeakLaxEntry.objects.filter(pk=overdue.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    closed = register(alice, tree["B1"])
    entry_close(user=alice, entry=closed, on=TODAY, note="完成")
    register(alice, tree["A1"], year=TODAY.year - 1)

    with django_assert_num_queries(1):
        codes = [(e.organization.code, e.year) for e in register_for(tree["A"])]
    assert codes == [("A1", TODAY.year), ("A2", TODAY.year), ("A1", TODAY.year - 1)]
    assert [e.organization.code for e in register_for(tree["A"], TODAY.year)] == ["A1", "A2"]

    with django_assert_num_queries(1):
        summary = register_summary(tree["C"], TODAY.year)
    assert (summary.total, summary.rectifying, summary.closed, summary.overdue) == (3, 2, 1, 1)
    assert register_summary(tree["B"], TODAY.year).rectifying == 0


def test_export_cells_cannot_run_as_formulas(bob, tree):
    register(bob, tree["A1"], measures='=HYPERLINK("http://x")', responsible_person="@王")
    row = export_rows(register_for(tree["A"]))[0]
    assert '\'=HYPERLINK("http://x")' in row
    assert "'@王" in row
    assert escape_cell("-1") == "'-1"
    assert escape_cell("+86") == "'+86"
    assert escape_cell(2025) == 2025
    assert escape_cell("正常") == "正常"


def test_without_a_user_the_deployer_registers(tree):
    """Commands and the demo data run without a user, as the import resources do."""
    entry = register(None, tree["B1"])
    assert entry.created_by is None
    assert flagged(tree["B1"])
