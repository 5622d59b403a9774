"""Moving a venue project through its stages on the project page."""

from __future__ import annotations

import datetime

import pytest
import tablib
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.importing import run_import
from funding.models import StageChange, VenueProject
from funding.resources import VenueProjectResource
from tests.helpers import SITE_HEADERS, site_row


@pytest.fixture
def project(tree):
    row = site_row("XM-1", "A1")  # 规划设计
    dataset = tablib.Dataset([row[h] for h in SITE_HEADERS], headers=SITE_HEADERS)
    assert run_import(VenueProjectResource(source="test"), dataset).ok
    # As if entered two months ago: the import dates its first stage today.
    StageChange.objects.update(changed_on=days_ago(60))
    return VenueProject.objects.get(code="XM-1")


def login(client, username):
    client.force_login(User.objects.get(username=username))


def move(client, to_stage, on, reason=""):
    return client.post(
        reverse("funding:site_stage", args=["XM-1"]),
        {"to_stage": to_stage, "on": on, "reason": reason},
    )


def days_ago(n: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


def test_it_moves_forward_with_dates(client, project, bob):
    login(client, "bob")
    response = move(client, "construction", days_ago(30))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "construction"
    assert project.started_on.isoformat() == days_ago(30)
    assert move(client, "completed", days_ago(5)).status_code == 302
    project.refresh_from_db()
    assert project.completed_on.isoformat() == days_ago(5)
    last = StageChange.objects.latest("pk")
    assert (last.from_stage, last.to_stage, last.changed_by) == ("construction", "completed", bob)
    assert project.history.latest().history_user == bob
    page = client.get(reverse("funding:site", args=["XM-1"])).content.decode()
    assert "已将状态从“在建”变更为“已竣工”" in page
    assert "在建 → 已竣工" in page


def test_going_back_without_a_reason_is_refused(client, project, bob):
    login(client, "bob")
    move(client, "construction", days_ago(30))
    response = move(client, "design", days_ago(10))
    assert response.status_code == 400
    assert response.context["stage_form"].errors["reason"] == ["从“在建”退回“规划设计”须填写原因。"]
    assert "状态未变更" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == "construction"
    assert StageChange.objects.filter(project=project).count() == 2


def test_going_back_with_a_reason_is_recorded_and_shown(client, project, bob):
    login(client, "bob")
    move(client, "construction", days_ago(30))
    response = move(client, "design", days_ago(10), reason="设计方案需调整")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "design"
    assert project.started_on is None
    change = StageChange.objects.latest("pk")
    assert change.is_backwards
    assert change.reason == "设计方案需调整"
    page = client.get(reverse("funding:site", args=["XM-1"])).content.decode()
    assert "退回" in page
    assert "<strong>设计方案需调整</strong>" in page


def test_a_date_before_the_previous_change_is_refused(client, project, bob):
    login(client, "bob")
    assert move(client, "construction", days_ago(50)).status_code == 302
    response = move(client, "completed", days_ago(55))
    assert response.status_code == 400
    assert response.context["stage_form"].errors["on"] == [
        f"不能早于上一次状态变更（{days_ago(50)}）。",
        f"竣工日期不能早于开工日期 {days_ago(50)}。",
    ]
    project.refresh_from_db()
    assert project.stage == "construction"
    assert project.completed_on is None


def test_the_date_a_project_was_entered_does_not_bound_back_filled_moves(client, project, bob):
    # Entered 60 days ago at 规划设计, but building started 70 days ago: staff catch up.
    login(client, "bob")
    assert move(client, "construction", days_ago(70)).status_code == 302
    project.refresh_from_db()
    assert project.stage == "construction"
    assert str(project.started_on) == days_ago(70)


def test_completion_before_the_start_is_refused(client, tree, bob):
    row = site_row("XM-1", "A1", 状态="在建", 开工日期=days_ago(10))
    dataset = tablib.Dataset([row[h] for h in SITE_HEADERS], headers=SITE_HEADERS)
    assert run_import(VenueProjectResource(source="test"), dataset).ok
    # Entered a month ago, so that only the start date stands in the way.
    StageChange.objects.update(changed_on=days_ago(30))
    login(client, "bob")
    response = move(client, "completed", days_ago(20))
    assert response.status_code == 400
    assert response.context["stage_form"].errors["on"] == [
        f"竣工日期不能早于开工日期 {days_ago(10)}。"
    ]


def test_a_future_date_is_refused(client, project, bob):
    login(client, "bob")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = move(client, "construction", tomorrow)
    assert response.context["stage_form"].errors["on"] == ["不能晚于今天。"]


def test_the_stage_form_offers_the_next_stage_and_marks_going_back(client, project, bob):
    login(client, "bob")
    form = client.get(reverse("funding:site", args=["XM-1"])).context["stage_form"]
    assert form.initial["to_stage"] == "construction"
    labels = dict(form.fields["to_stage"].choices)
    assert labels["survey"] == "调研论证（退回，须填原因）"
    assert labels["construction"] == "在建（前进）"
    assert "design" not in labels


@pytest.mark.parametrize(("username", "status"), [("sam", 403), ("leo", 403), ("charlie", 404)])
def test_only_staff_of_the_subtree_move_stages(
    client, project, sam, leo, charlie, username, status
):
    login(client, username)
    assert move(client, "construction", days_ago(1)).status_code == status
    project.refresh_from_db()
    assert project.stage == "design"


def test_a_get_does_not_move(client, project, bob):
    login(client, "bob")
    assert client.get(reverse("funding:site_stage", args=["XM-1"])).status_code == 405
