"""The admin of venue projects and collective-economy records: scope, read-only stage."""

from __future__ import annotations

from pathlib import Path

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.importing import run_import
from funding.models import EconomyRecord, VenueProject
from funding.resources import EconomyRecordResource, VenueProjectResource
from funding.services.sites import attachment_add
from tests.helpers import ECONOMY_HEADERS, SITE_HEADERS, economy_row, site_row

PDF = b"%PDF-1.4\n%%EOF\n"


def load(resource, headers, rows):
    dataset = tablib.Dataset(*[[r[h] for h in headers] for r in rows], headers=headers)
    assert run_import(resource(source="test"), dataset).ok


@pytest.fixture
def projects(tree):
    load(VenueProjectResource, SITE_HEADERS, [site_row("XM-A1", "A1"), site_row("XM-B1", "B1")])
    return {p.code: p for p in VenueProject.objects.all()}


def change_url(project):
    return reverse("admin:funding_venueproject_change", args=[project.pk])


def test_the_changelist_lists_the_subtree(client, projects, bob):
    client.force_login(bob)
    content = client.get(reverse("admin:funding_venueproject_changelist")).content.decode()
    assert "XM-A1" in content
    assert "XM-B1" not in content


def test_the_stage_is_read_only_and_its_history_and_files_are_shown(client, projects, bob):
    project = projects["XM-A1"]
    attachment = attachment_add(
        user=bob,
        project=project,
        upload=SimpleUploadedFile("图纸.pdf", PDF, content_type="application/pdf"),
    )
    client.force_login(bob)
    content = client.get(change_url(project)).content.decode()
    assert 'name="stage"' not in content
    assert 'name="started_on"' not in content
    assert 'type="checkbox" name="rooms" value="party_activity"' in content
    assert "阶段变更" in content
    assert "规划设计" in content
    assert reverse("funding:site_file", args=["XM-A1", attachment.pk]) in content
    assert "/media/" not in content


def test_saving_in_the_admin_keeps_the_stage_and_records_the_user(client, projects, bob):
    project = projects["XM-A1"]
    client.force_login(bob)
    form = {
        "name": "改名的项目",
        "organization": project.organization_id,
        "project_type": "village_venue",
        "nature": "new",
        "planned_investment": "60",
        "completed_investment": "10",
        "area": "300",
        "rooms": ["meeting", "square"],
        "stage": "accepted",  # ignored: read-only
        "stage_changes-TOTAL_FORMS": "0",
        "stage_changes-INITIAL_FORMS": "1",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    response = client.post(change_url(project), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.name == "改名的项目"
    assert project.rooms == ["meeting", "square"]
    assert project.stage == "design"
    assert project.history.latest().history_user == bob


def test_another_subtree_is_refused(client, projects, charlie):
    client.force_login(charlie)
    project = projects["XM-A1"]
    response = client.get(change_url(project))
    assert response.status_code in (302, 404)
    client.post(change_url(project), {"name": "篡改"})
    assert VenueProject.objects.get(code="XM-A1").name != "篡改"


def test_projects_are_not_added_in_the_admin(client, projects, bob):
    client.force_login(bob)
    assert client.get(reverse("admin:funding_venueproject_add")).status_code == 403


def test_deleting_a_project_removes_its_files(
    client, projects, bob, django_capture_on_commit_callbacks
):
    project = projects["XM-A1"]
    attachment = attachment_add(
        user=bob,
        project=project,
        upload=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
    )
    path = attachment.file.path
    client.force_login(bob)
    url = reverse("admin:funding_venueproject_delete", args=[project.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not VenueProject.objects.filter(code="XM-A1").exists()
    assert not Path(path).exists()


# --- economy ----------------------------------------------------------------------------
@pytest.fixture
def records(tree):
    load(EconomyRecordResource, ECONOMY_HEADERS, [economy_row("A1"), economy_row("B1")])


def test_economy_changelist_lists_the_subtree(client, records, bob):
    client.force_login(bob)
    content = client.get(reverse("admin:funding_economyrecord_changelist")).content.decode()
    assert "甲一村支部" in content
    assert "乙一村支部" not in content


def test_economy_form_offers_village_organisations_of_the_scope(client, records, bob, tree):
    client.force_login(bob)
    form = client.get(reverse("admin:funding_economyrecord_add")).context["adminform"].form
    assert {o.code for o in form.fields["organization"].queryset} == {"A1", "A2"}


def test_economy_form_explains_operating_income_over_total(client, records, bob, tree):
    client.force_login(bob)
    response = client.post(
        reverse("admin:funding_economyrecord_add"),
        {
            "organization": tree["A2"].pk,
            "year": "2025",
            "total_income": "3",
            "operating_income": "4",
            "development_model": "",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["operating_income"] == [
        "不能大于集体经济总收入 3 万元。"
    ]
    assert not EconomyRecord.objects.filter(organization=tree["A2"]).exists()
