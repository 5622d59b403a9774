"""`seed_demo --scale city` (the load test's data set) on a small size: valid rows,
a sound tree, a second run that adds nothing, accounts that work for the load test's
journeys, and the county demo left as it is."""

from __future__ import annotations

import io
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from checklists.choices import ListStatus
from checklists.models import ResponsibilityList
from core.periods import Quarter
from demo.scale import CITY_CODE, city_shape, org_rows
from funding.models import Disbursement, FundLine, VenueProject
from members.models import Member
from orgs.models import Organization, OrgLifeRecord

PASSWORD = "dangjian-demo-2026"
SIZE = {"orgs": 30, "members": 500, "secretaries": 5}


def seed_city(**size) -> str:
    out = io.StringIO()
    call_command("seed_demo", scale="city", force=True, stdout=out, **(size or SIZE))
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table of the portal's apps, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for app in (
            "accounts",
            "orgs",
            "portal",
            "members",
            "funding",
            "checklists",
            "assessments",
            "reports",
            "core",
        )
        for model in apps.get_app_config(app).get_models()
    }


def test_the_city_data_set(db, client):
    """One seeding (it takes a while), then every check of what it built."""
    seed_city()
    city = Organization.objects.get(code=CITY_CODE)
    check_tree(city)
    check_members(city)
    check_lists(city)
    check_funds_venues_and_org_life(city)
    check_second_run_adds_nothing()
    check_town_staff_sees_only_their_township(client)
    check_load_secretary_opens_and_saves_the_quarters_list(client)


def check_tree(city):
    organizations = Organization.objects.within(city)
    assert organizations.count() == city_shape(SIZE["orgs"]).size == len(org_rows(city_shape(30)))
    assert 25 <= organizations.count() <= 35
    assert not any(Organization.objects.find_problems())
    assert city.level == "city"
    assert city.depth == 1
    assert set(organizations.values_list("level", flat=True)) == {
        "city",
        "county",
        "township",
        "village",
        "other",
    }


def test_the_full_size_shape_is_a_city_of_about_2000_organisations():
    shape = city_shape(2000)
    assert 1950 <= shape.size <= 2000
    assert len(org_rows(shape)) == shape.size
    assert len({row[0] for row in org_rows(shape)}) == shape.size  # codes unique


def check_members(city):
    members = Member.objects.filter(organization__path__startswith=city.path)
    assert members.count() == SIZE["members"]
    assert not members.exclude(organization__numchild=0).exists()  # in branches only
    for member in members.order_by("pk")[::10]:
        member.full_clean()  # every rule of the data dictionary
    assert members.values("id_number").distinct().count() == SIZE["members"]


def check_lists(city):
    """Two quarters: most submitted, many approved with varied scores."""
    current = Quarter.of(timezone.localdate())
    previous = ResponsibilityList.objects.filter(
        organization__path__startswith=city.path,
        year=current.previous.year,
        quarter=current.previous.number,
    )
    with_template = Organization.objects.within(city).filter(level__in=("township", "village"))
    assert previous.count() == with_template.count()
    statuses = dict(previous.values_list("status").annotate(n=Count("pk")).order_by())
    assert statuses[ListStatus.APPROVED] > previous.count() / 2
    assert statuses[ListStatus.SUBMITTED] >= 1
    assert statuses[ListStatus.RETURNED] >= 1
    assert statuses[ListStatus.DRAFT] >= 1
    approved = previous.filter(status=ListStatus.APPROVED)
    assert not approved.filter(total_score__isnull=True).exists()
    assert len(set(approved.values_list("total_score", flat=True))) > 1  # varied scores
    for checklist in approved:
        total = sum(item.score for item in checklist.items.all())
        assert checklist.total_score == total
    now = ResponsibilityList.objects.filter(
        organization__path__startswith=city.path, year=current.year, quarter=current.number
    )
    assert now.count() == with_template.count()
    assert now.filter(status=ListStatus.SUBMITTED).exists()


def check_funds_venues_and_org_life(city):
    lines = FundLine.objects.filter(organization__path__startswith=city.path)
    assert lines.count() >= 20
    assert Disbursement.objects.filter(fund__in=lines).exists()
    assert VenueProject.objects.filter(organization__path__startswith=city.path).count() >= 10
    assert OrgLifeRecord.objects.filter(organization__path__startswith=city.path).count() >= 100


def check_second_run_adds_nothing():
    before = row_counts()
    out = seed_city()
    assert row_counts() == before
    assert "新增" not in out.replace("新增 0", "")


def check_load_secretary_opens_and_saves_the_quarters_list(client):
    """The load test's secretary journey: the accounts log in with the demo password and
    their current list is open for filling."""
    secretary = User.objects.get(username="load_sec_0001")
    assert secretary.check_password(PASSWORD)
    assert User.objects.filter(username__startswith="load_sec_").count() == SIZE["secretaries"]
    current = Quarter.of(timezone.localdate())
    checklist = ResponsibilityList.objects.get(
        secretary=secretary, year=current.year, quarter=current.number
    )
    assert checklist.status == ListStatus.DRAFT
    client.force_login(secretary)
    page = client.get(reverse("checklists:fill", args=[checklist.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    data = {"revision": re.search(r'name="revision" value="(\d+)"', html).group(1)}
    for item in checklist.items.all():
        data[f"item-{item.pk}-status"] = "in_progress"
        data[f"item-{item.pk}-account"] = "压测：正在推进。"
    response = client.post(reverse("checklists:fill", args=[checklist.pk]), data)
    assert response.status_code == 302
    assert checklist.items.filter(status="in_progress").count() == checklist.items.count()


def check_town_staff_sees_only_their_township(client):
    town_staff = User.objects.get(username="load_town_staff")
    assert town_staff.check_password(PASSWORD)
    own = town_staff.assignments.get().organization
    other = Organization.objects.filter(level="township").exclude(pk=own.pk).first()
    outside = Member.objects.filter(organization__path__startswith=other.path).first()
    client.force_login(town_staff)
    assert client.get(reverse("members:detail", args=[outside.pk])).status_code == 404
    inside = Member.objects.filter(organization__path__startswith=own.path).first()
    assert client.get(reverse("members:detail", args=[inside.pk])).status_code == 200


def test_the_default_is_the_county_and_the_city_leaves_it_alone(db):
    """`make run` loads only the county; the city needs a database of its own (one root
    per portal) and, asked for in the county's, refuses and changes nothing."""
    call_command("seed_demo", force=True, no_bulletins=True, stdout=io.StringIO())
    assert Organization.objects.get(depth=1).code == "QH"
    assert Organization.objects.count() < 100
    before = row_counts()
    with pytest.raises(CommandError, match="只能有一个根组织"):
        seed_city()
    assert row_counts() == before
    assert not Organization.objects.filter(code=CITY_CODE).exists()
    assert not User.objects.filter(username__startswith="load_").exists()


def test_healthz_answers_ok_without_the_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert client.post("/healthz").status_code == 405  # changes nothing
