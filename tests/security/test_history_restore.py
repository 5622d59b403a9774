"""An old version on the admin's history page cannot be saved back past the workflow."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin import site
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from funding.models import FundLine, StageChange, VenueProject
from funding.services.funds import disbursement_record
from tests.funding.test_site_stages import days_ago, move, project  # noqa: F401 (fixture)


def version_post(model, obj, version, user) -> tuple[str, dict]:
    """The version page's URL and the form data it would post for `version`."""
    request = RequestFactory().get("/")
    request.user = user
    old = version.instance
    form_class = site._registry[model].get_form(request, old)
    data = {
        key: "" if value is None else value
        for key, value in model_to_dict(old, fields=list(form_class.base_fields)).items()
        if not isinstance(value, bool) or value
    }
    url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history",
        args=[obj.pk, version.history_id],
    )
    return url, data


@pytest.mark.usefixtures("project")
def test_a_completed_project_cannot_be_restored_to_construction(client, bob):
    client.force_login(bob)
    assert move(client, "construction", days_ago(30)).status_code == 302
    assert move(client, "completed", days_ago(5)).status_code == 302
    site_project = VenueProject.objects.get(code="XM-1")
    old = site_project.history.filter(stage="construction").latest("history_date")
    log = list(StageChange.objects.values_list("pk", flat=True))
    url, data = version_post(VenueProject, site_project, old, bob)

    page = client.get(url).content.decode()
    assert "恢复" not in page or 'name="_save"' not in page  # view only, no restore button
    response = client.post(url, data)

    assert response.status_code == 403
    site_project.refresh_from_db()
    assert site_project.stage == "completed"
    assert list(StageChange.objects.values_list("pk", flat=True)) == log


def test_a_fund_line_with_instalments_is_not_moved_by_a_restore(client, bob, tree):
    line = FundLine.objects.create(
        code="F-A1",
        year=2025,
        organization=tree["A1"],
        category="work",
        source="fiscal",
        budget=Decimal("80000"),
    )
    disbursement_record(
        user=bob, fund=line, amount=Decimal("1000"), paid_on=datetime.date(2025, 4, 1)
    )
    line.refresh_from_db()
    version = line.history.latest("history_date")
    url, data = version_post(FundLine, line, version, bob)
    data.update(year=2024, code="F-A1-2024")
    client.force_login(bob)

    assert client.post(url, data).status_code == 403
    line.refresh_from_db()
    assert (line.year, line.code) == (2025, "F-A1")
