"""The admin's "view on site" redirect (/admin/r/<content type>/<id>/) answers like every
other path: 404 for an object outside the user's scope (a redirect to another township's
page would confirm that it exists), a redirect to the object's page inside it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from funding.models import FundLine, VenueProject
from tests.factories import make_member


def shortcut_url(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def objects_of(village, seq: int) -> dict[str, object]:
    """An organisation, a member, a fund line and a venue project of `village`: models
    with a page (get_absolute_url) and an admin."""
    line = FundLine.objects.create(
        code=f"JF-{village.code}",
        year=2026,
        organization=village,
        category="work",
        source="fiscal",
        budget=Decimal("80000"),
    )
    project = VenueProject.objects.create(
        code=f"XM-{village.code}",
        name=f"{village.name}活动场所",
        organization=village,
        project_type="village_venue",
        nature="new",
        planned_investment=Decimal("60"),
        stage="design",
    )
    return {
        "organization": village,
        "member": make_member(village, seq=seq),
        "fund": line,
        "project": project,
    }


@pytest.fixture
def townships(tree):
    return {"own": objects_of(tree["A1"], 11), "other": objects_of(tree["B1"], 41)}


KINDS = ["organization", "member", "fund", "project"]


@pytest.mark.parametrize("kind", KINDS)
def test_another_townships_object_is_not_found(client, bob, townships, kind):
    client.force_login(bob)
    assert client.get(shortcut_url(townships["other"][kind])).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_an_own_object_redirects_to_its_page(client, bob, townships, kind):
    client.force_login(bob)
    obj = townships["own"][kind]
    response = client.get(shortcut_url(obj))
    assert response.status_code == 302
    assert response["Location"].endswith(obj.get_absolute_url())


def test_a_model_without_an_admin_and_nonsense_are_not_found(client, bob, townships):
    client.force_login(bob)
    session_type = ContentType.objects.get(app_label="sessions", model="session")
    member = townships["own"]["member"]
    member_type = ContentType.objects.get_for_model(member).pk
    for url in (
        reverse("admin:view_on_site", args=[session_type.pk, "x"]),
        reverse("admin:view_on_site", args=[member_type, "not-a-pk"]),
        reverse("admin:view_on_site", args=[member_type, 99999999999999999999]),
        reverse("admin:view_on_site", args=["nonsense", member.pk]),
        reverse("admin:view_on_site", args=[99999999999999999999, member.pk]),
    ):
        assert client.get(url).status_code == 404, url
