"""Cached totals of big lists (core/counting.py): the roster's "共 N 名党员" is counted once
and then taken from the cache, but never outlives a change of the members or the tree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.counting import CachedCountPaginator
from core.importing import run_import
from core.tables import read_table
from members.models import Member
from members.resources.roster import MemberResource
from members.services.roster import member_update
from orgs.models import Organization
from orgs.services import move_organization
from tests.factories import make_member, make_org
from tests.helpers import MEMBER_HEADERS, member_row, xlsx_bytes

URL = reverse("members:list")


@pytest.fixture(autouse=True)
def _count_cache(settings):
    settings.COUNT_CACHE_SECONDS = 300  # as with Redis (the cache is emptied before each test)


def total(client, user, query: str = "") -> int:
    client.force_login(user)
    response = client.get(f"{URL}{query}")
    assert response.status_code == 200
    return response.context["page"].paginator.count


def paginator(queryset) -> CachedCountPaginator:
    return CachedCountPaginator(queryset, 50, depends_on=(Member, Organization))


def test_the_total_is_counted_once_and_then_read_from_the_cache(
    tree, bob, django_assert_num_queries
):
    for seq in range(3):
        make_member(tree["A1"], seq=seq)
    members = Member.objects.visible_to(bob).order_by("pk")
    with django_assert_num_queries(1):
        assert paginator(members).count == 3
    with django_assert_num_queries(0):
        assert paginator(members).count == 3


def test_without_a_shared_cache_it_counts_every_time(
    settings, tree, bob, django_assert_num_queries
):
    settings.COUNT_CACHE_SECONDS = 0
    make_member(tree["A1"], seq=1)
    members = Member.objects.visible_to(bob).order_by("pk")
    assert paginator(members).count == 1
    with django_assert_num_queries(1):
        assert paginator(members).count == 1


def test_each_scope_and_filter_has_its_own_total(client, bob, charlie, tree):
    make_member(tree["A1"], seq=1)
    make_member(tree["A2"], seq=2, female=True, name="李红")
    make_member(tree["B1"], seq=3)
    assert total(client, bob) == 2
    # the other township's staff never get township A's cached total
    assert total(client, charlie) == 1
    assert total(client, bob, "?gender=F") == 1
    assert total(client, bob) == 2


def test_a_member_saved_through_a_form_or_service_updates_the_total(client, bob, tree):
    member = make_member(tree["A1"], seq=1)
    assert total(client, bob) == 1
    make_member(tree["A2"], seq=2)
    assert total(client, bob) == 2
    # a status change (no longer a current member) through the service
    member.status = "deceased"
    member.status_changed_on = member.joined_on.replace(year=2024)
    member_update(user=bob, member=member, reason="测试")
    assert total(client, bob) == 1


def test_an_import_updates_the_total(client, bob, tree):
    make_member(tree["A1"], seq=1)
    assert total(client, bob) == 1
    rows = [member_row("A1", seq=10), member_row("A2", seq=11)]
    dataset = read_table(xlsx_bytes(rows, MEMBER_HEADERS), "members.xlsx")
    report = run_import(MemberResource(user=bob, source="members.xlsx"), dataset)
    assert not report.errors
    assert total(client, bob) == 3


def test_moving_an_organisation_updates_the_totals_of_both_subtrees(
    client, bob, charlie, tree, alice
):
    village = make_org(tree["A"], code="A9", name="甲九村支部")
    make_member(village, seq=1)
    make_member(tree["B1"], seq=2)
    assert (total(client, bob), total(client, charlie)) == (1, 1)
    move_organization(Organization.objects.get(pk=village.pk), tree["B"], user=alice)
    assert (total(client, bob), total(client, charlie)) == (0, 2)


def test_a_write_outdates_the_totals_again_when_it_commits(
    tree, bob, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A total counted by another request between the write and its commit saw the old
    rows: the commit gives the table a new generation, so that total is never used."""
    members = Member.objects.visible_to(bob).order_by("pk")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_member(tree["A1"], seq=1)
        assert paginator(members).count == 1  # as if counted before the commit
    for callback in callbacks:
        callback()
    with django_assert_num_queries(1):
        assert paginator(members).count == 1


def test_an_empty_condition_counts_nothing(tree, bob):
    assert paginator(Member.objects.filter(pk__in=[]).order_by("pk")).count == 0
