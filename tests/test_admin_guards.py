"""Back-office holes found in review: each gets an outsider test."""

from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse

from accounts.models import Assignment
from orgs.models import Organization
from tests.helpers import org_row, xlsx_bytes


def test_a_history_version_cannot_be_saved_without_change_permission(client, bob, sam, tree):
    client.force_login(bob)
    assignment = Assignment.objects.get(user=sam)
    version = assignment.history.first().history_id
    url = reverse("admin:accounts_assignment_simple_history", args=[assignment.pk, version])
    data = {"user": bob.pk, "organization": tree["C"].pk, "role": "staff"}
    assert client.post(url, data).status_code == 403
    assert not Assignment.objects.filter(user=bob, organization=tree["C"]).exists()


def test_assignments_listed_are_those_of_the_staff_subtree(client, bob, charlie, sam):
    client.force_login(bob)
    content = client.get(reverse("admin:accounts_assignment_changelist")).content.decode()
    assert "sam" in content
    assert "charlie" not in content


def test_deleting_lists_the_subtree_first(client, alice, tree):
    client.force_login(alice)
    url = reverse("admin:orgs_organization_delete", args=[tree["B"].pk])
    assert "乙一村支部" in client.get(url).content.decode()
    client.post(url, {"post": "yes"})
    assert not Organization.objects.filter(code__in=["B", "B1"]).exists()
    assert not any(Organization.objects.find_problems())


def test_deleting_is_refused_while_an_assignment_depends_on_the_subtree(client, bob, sam, tree):
    client.force_login(bob)
    url = reverse("admin:orgs_organization_delete", args=[tree["A"].pk])
    assert "无法删除" in client.get(url).content.decode()
    client.post(url, {"post": "yes"})
    assert Organization.objects.filter(code__in=["A", "A1"]).count() == 2


def test_history_of_a_deleted_object_is_for_superusers_only(client, alice, tree):
    client.force_login(alice)
    pk = tree["B1"].pk
    Organization.objects.filter(pk=pk).delete()
    assert client.get(reverse("admin:orgs_organization_history", args=[pk])).status_code == 404
    assert client.get(reverse("admin:orgs_organization_history", args=["x"])).status_code == 404


def test_the_admin_login_sends_people_to_the_portal_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_confirming_an_import_whose_data_changed_saves_nothing(client, bob, tree, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(bob)
    data = xlsx_bytes([org_row("A3", "A"), org_row("A4", "A2", 行政层级="其他")])
    preview = client.post(
        reverse("admin:orgs_organization_import"),
        {"format": "0", "import_file": SimpleUploadedFile("o.xlsx", data)},
    )
    confirm = preview.context["confirm_form"]
    Organization.objects.filter(code="A2").delete()  # someone deletes a parent meanwhile
    response = client.post(reverse("admin:orgs_organization_process_import"), confirm.initial)
    assert response.status_code == 200
    assert "第3行 [上级组织代码]" in response.content.decode()
    assert not Organization.objects.filter(code__in=["A3", "A4"]).exists()


def test_the_code_of_an_existing_organisation_cannot_be_changed(client, bob, tree):
    client.force_login(bob)
    form = {"code": "A9", "name": "甲一村支部", "parent": tree["A"].pk, "kind": "branch",
            "level": "village", "domain": "rural", "term_years": "5"}  # fmt: skip
    client.post(reverse("admin:orgs_organization_change", args=[tree["A1"].pk]), form)
    assert Organization.objects.filter(code="A1").exists()
    assert not Organization.objects.filter(code="A9").exists()


def test_seed_demo_is_idempotent_and_guarded_in_production(db, capsys, settings):
    import pytest
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    call_command("seed_demo", "--force", "--no-bulletins")
    call_command("seed_demo", "--force", "--no-bulletins")
    out = capsys.readouterr().out
    assert "新增 28" in out
    assert "未变 28" in out
    assert "staff" in out
    assert not any(Organization.objects.find_problems())
