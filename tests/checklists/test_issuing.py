"""Issuing the quarter's responsibility lists: templates, idempotence, scope, snapshot."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from checklists.issuing import issue_checklists
from checklists.models import ChecklistTemplate, ResponsibilityList, TemplateItem
from checklists.tasks import issue_quarter_checklists
from checklists.template_choice import current_templates, template_total
from core.periods import Quarter
from tests.factories import make_org
from tests.helpers import running_worker

# The shipped templates are created for the year the database was migrated in.
YEAR = timezone.localdate().year
Q4 = Quarter(YEAR, 4)


def test_the_shipped_templates_total_100_points(db):
    templates = current_templates(YEAR)
    assert set(templates) == {"village", "township"}
    for template in templates.values():
        assert template_total(template) == Decimal("100")


def test_one_list_per_organisation_at_a_level_with_a_template(tree, sam):
    result = issue_checklists(quarter=Q4)
    issued = dict(
        ResponsibilityList.objects.values_list("organization__code", "secretary__username")
    )
    # The county has no template level; townships and villages have.
    assert issued == {"A": None, "B": None, "A1": "sam", "A2": None, "B1": None}
    assert len(result.created) == 5
    assert {o.code for o in result.without_secretary} == {"A", "B", "A2", "B1"}
    checklist = ResponsibilityList.objects.get(organization__code="A1")
    assert checklist.deadline == datetime.date(YEAR + 1, 1, 10)
    assert checklist.items.count() == 9
    assert sum(i.points for i in checklist.items.all()) == Decimal("100")
    assert checklist.history.count() == 1


def test_issuing_twice_creates_nothing_new(tree):
    issue_checklists(quarter=Q4)
    again = issue_checklists(quarter=Q4)
    assert (len(again.created), again.existing) == (0, 5)
    assert ResponsibilityList.objects.count() == 5
    make_org(tree["B"], code="B2")
    later = issue_checklists(quarter=Q4)
    assert [c.organization.code for c in later.created] == ["B2"]


def test_a_subtree_only(tree):
    result = issue_checklists(quarter=Q4, org=tree["A"])
    assert sorted(c.organization.code for c in result.created) == ["A", "A1", "A2"]


def test_issued_lists_keep_their_own_items(tree):
    issue_checklists(quarter=Q4)
    template = current_templates(YEAR)["village"]
    template.items.filter(position=1).update(content="改过的内容")
    item = ResponsibilityList.objects.get(organization__code="A1").items.get(position=1)
    assert item.content == "落实“三会一课”等组织生活制度"


def test_a_template_not_totalling_100_is_not_issued_and_is_reported(tree):
    template = current_templates(YEAR)["village"]
    TemplateItem.objects.filter(template=template, position=1).update(points=Decimal("19"))
    result = issue_checklists(quarter=Q4)
    assert result.invalid_templates == [template]
    assert sorted(c.organization.code for c in result.created) == ["A", "B"]


def test_an_incomplete_newer_version_does_not_stop_issuing(tree):
    from tests.factories import make_user

    complete = current_templates(YEAR)["village"]
    alice = make_user("alice", tree["C"], "staff")
    from checklists.template_editing import template_copy

    # "Edit" of a used template makes a copy; staff are still changing it (95 points).
    issue_checklists(quarter=Quarter(YEAR, 3))
    draft = template_copy(user=alice, source=complete)
    draft.items.filter(position=1).update(points=Decimal("15"))
    result = issue_checklists(quarter=Q4)
    assert result.invalid_templates == []
    a1 = ResponsibilityList.objects.get(organization__code="A1", year=YEAR, quarter=4)
    assert a1.template == complete
    assert len(result.created) == 5
    # Once it totals 100 it is the one issued from.
    draft.items.filter(position=1).update(points=Decimal("20"))
    assert current_templates(YEAR)["village"] == draft


def test_a_level_is_invalid_only_when_no_version_totals_100(tree):
    template = current_templates(YEAR)["village"]
    TemplateItem.objects.filter(template=template, position=1).update(points=Decimal("19"))
    newer = ChecklistTemplate.objects.create(level="village", year=YEAR, version=2, name="新版")
    result = issue_checklists(quarter=Q4)
    # The level's latest template is the one to fix; nothing was issued at that level.
    assert result.invalid_templates == [newer]
    assert sorted(c.organization.code for c in result.created) == ["A", "B"]


def test_the_templates_are_chosen_in_two_queries(tree, django_assert_num_queries):
    from checklists.template_choice import choose_templates

    for version in range(2, 6):
        ChecklistTemplate.objects.create(level="village", year=YEAR, version=version, name="v")
    with django_assert_num_queries(2):
        choice = choose_templates(YEAR)
    assert choice.current["village"].version == 1
    assert [t.version for t in choice.skipped] == [5, 4, 3, 2]


def test_an_item_due_date_never_passes_the_quarters_last_day(tree):
    template = current_templates(YEAR)["village"]
    TemplateItem.objects.filter(template=template, position=1).update(due_in_days=92)
    TemplateItem.objects.filter(template=template, position=2).update(due_in_days=30)
    issue_checklists(quarter=Quarter(YEAR, 1), org=tree["A1"])
    checklist = ResponsibilityList.objects.get(organization__code="A1")
    assert checklist.items.get(position=1).due_on == datetime.date(YEAR, 3, 31)
    assert checklist.items.get(position=2).due_on == datetime.date(YEAR, 1, 30)


def test_a_secretary_added_after_issuance_gets_the_list(tree):
    from tests.factories import make_user

    alice = make_user("alice", tree["C"], "staff")
    issue_checklists(quarter=Q4)
    assert ResponsibilityList.objects.get(organization__code="A2").secretary is None
    sue = make_user("sue", tree["A2"], "secretary")
    again = issue_checklists(quarter=Q4, user=alice)
    assert (len(again.created), again.readdressed) == (0, 1)
    a2 = ResponsibilityList.objects.get(organization__code="A2")
    assert a2.secretary == sue
    record = a2.history.first()
    assert (record.history_user, record.history_change_reason) == (
        alice,
        "按现任书记账号更新收件人",
    )
    assert {o.code for o in again.without_secretary} == {"A", "B", "A1", "B1"}
    # Nothing changes on a third run.
    assert issue_checklists(quarter=Q4).readdressed == 0
    assert a2.history.count() == 2


def test_a_secretary_who_left_is_replaced_but_an_old_approved_list_keeps_its_record(tree, sam):
    from tests.factories import make_user

    issue_checklists(quarter=Quarter(YEAR, 1))
    issue_checklists(quarter=Q4)
    old = ResponsibilityList.objects.get(organization__code="A1", quarter=1)
    old.status = "approved"
    old.reviewed_at = timezone.now() - datetime.timedelta(days=60)
    old.save()
    sam.is_active = False
    sam.save()
    ray = make_user("ray", tree["A1"], "secretary")
    issue_checklists(quarter=Q4)
    issue_checklists(quarter=Quarter(YEAR, 1))
    assert ResponsibilityList.objects.get(organization__code="A1", quarter=4).secretary == ray
    assert ResponsibilityList.objects.get(pk=old.pk).secretary == sam


def test_a_later_years_template_is_used_from_that_year(tree):
    newer = ChecklistTemplate.objects.create(level="village", year=YEAR + 1, name="明年村级")
    TemplateItem.objects.create(
        template=newer, position=1, category="life", content="全年", requirement="要求",
        points=Decimal("100"),
    )  # fmt: skip
    issue_checklists(quarter=Quarter(YEAR + 1, 1))
    checklist = ResponsibilityList.objects.get(organization__code="A1", year=YEAR + 1)
    assert checklist.template == newer
    township = ResponsibilityList.objects.get(organization__code="A", year=YEAR + 1)
    assert township.template.year == YEAR  # no township template for next year yet


def test_the_command_reports_created_existing_and_missing_secretaries(tree, sam, capsys):
    call_command("issue_checklists", "--quarter", f"{YEAR}Q4", "--org", "A")
    out = capsys.readouterr().out
    assert f"{YEAR}Q4：新下发 3 份，已存在 0 份。" in out
    assert "以下 2 个组织没有书记账号" in out
    assert "A2 甲二村支部" in out
    call_command("issue_checklists", "--quarter", f"{YEAR}q4")
    assert "新下发 2 份，已存在 3 份" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["--quarter", "2026-4"], "季度格式应为"),
    (["--quarter", "2026Q4", "--org", "NOPE"], "组织代码不存在"),
])  # fmt: skip
def test_the_command_refuses_bad_arguments(tree, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("issue_checklists", *args)


@pytest.mark.celery_worker
def test_a_real_worker_issues_the_current_quarter(transactional_db, tree):
    # transactional_db flushes the rows data migrations made: load the templates again.
    from checklists.default_templates import load_default_templates

    load_default_templates(ChecklistTemplate, TemplateItem, year=YEAR)
    with running_worker():
        first = issue_quarter_checklists.delay().get(timeout=60)
        second = issue_quarter_checklists.delay().get(timeout=60)
    assert first["created"] == 5
    assert first["invalid_templates"] == []
    assert (second["created"], second["existing"]) == (0, 5)


def test_the_beat_job_warns_of_a_level_it_could_not_issue(tree, caplog):
    template = current_templates(YEAR)["village"]
    TemplateItem.objects.filter(template=template, position=1).update(points=Decimal("19"))
    with caplog.at_level("WARNING", logger="checklists.tasks"):
        result = issue_quarter_checklists.apply().get()
    assert result["invalid_templates"] == [str(template)]
    assert "does not total 100 points" in caplog.text
    assert str(template) in caplog.text
