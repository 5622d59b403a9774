"""The organisation's 软弱涣散 flag is the register's: the form, admin and import only
show it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.register.services import entry_close, entry_create
from core.importing import run_import
from core.tables import read_table
from orgs.forms import OrganizationForm
from orgs.models import Organization
from orgs.resources import OrganizationResource
from tests.helpers import org_row, xlsx_bytes

TODAY = timezone.localdate()


def register(user, org):
    return entry_create(
        user=user,
        organization=org,
        year=TODAY.year,
        situations=["inactive"],
        measures="整顿",
        responsible_person="张强",
        deadline=TODAY + datetime.timedelta(days=30),
    )


def do_import(rows, user=None):
    return run_import(OrganizationResource(user=user), read_table(xlsx_bytes(rows), "orgs.xlsx"))


def flagged(code: str) -> bool:
    return Organization.objects.get(code=code).is_weak_and_lax


def test_the_form_shows_the_flag_read_only(bob, tree):
    form = OrganizationForm(instance=Organization.objects.get(code="A1"), user=bob)
    assert form.fields["is_weak_and_lax"].disabled
    assert "由整顿台账决定" in str(form.fields["is_weak_and_lax"].help_text)


def test_the_admin_cannot_set_the_flag(client, bob, tree):
    client.force_login(User.objects.get(username="bob"))
    org = tree["A1"]
    url = reverse("admin:orgs_organization_change", args=[org.pk])
    page = client.get(url).content.decode()
    assert "由整顿台账决定" in page
    data = {
        "code": org.code, "name": org.name, "parent": tree["A"].pk, "kind": org.kind,
        "level": org.level, "domain": org.domain, "term_years": 5, "is_weak_and_lax": "on",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    assert not flagged("A1")


def test_import_may_repeat_the_registers_flag(bob, tree):
    register(bob, tree["A1"])
    report = do_import([org_row("A1", "A", 是否软弱涣散="是"), org_row("A2", "A")], user=bob)
    assert report.ok, [str(e) for e in report.errors]
    assert flagged("A1")
    assert not flagged("A2")


def test_a_blank_cell_keeps_the_registers_flag(bob, tree):
    register(bob, tree["A1"])
    report = do_import([org_row("A1", "A", 是否软弱涣散="")], user=bob)
    assert report.ok, [str(e) for e in report.errors]
    assert flagged("A1")


@pytest.mark.parametrize(
    ("code", "cell", "fragment"),
    [
        ("A2", "是", "没有整顿中的软弱涣散整顿台账"),
        ("A1", "否", "有整顿中的软弱涣散整顿台账"),
        ("A9", "是", "没有整顿中的软弱涣散整顿台账"),  # a new organisation
    ],
)
def test_import_cannot_change_the_flag(bob, tree, code, cell, fragment):
    register(bob, tree["A1"])
    report = do_import([org_row(code, "A", 是否软弱涣散=cell)], user=bob)
    assert not report.ok
    assert [e.column for e in report.errors] == ["是否软弱涣散"]
    assert fragment in report.errors[0].message
    assert flagged("A1")
    assert not Organization.objects.filter(code="A9").exists()


def test_after_closing_the_import_says_no(bob, tree):
    entry_close(user=bob, entry=register(bob, tree["A1"]), on=TODAY, note="完成")
    report = do_import([org_row("A1", "A", 是否软弱涣散="否")], user=bob)
    assert report.ok, [str(e) for e in report.errors]
    assert not flagged("A1")
