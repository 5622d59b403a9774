"""The single-scan paginator: the same pages and totals as Django's, in fewer queries."""

from __future__ import annotations

from django.core.paginator import Paginator

from core.pagination import SingleScanPaginator
from orgs.models import Organization
from tests.factories import make_org


def test_pages_and_totals_match_django(tree, django_assert_num_queries):
    for i in range(7):
        make_org(tree["B"], code=f"P{i}")
    queryset = Organization.objects.order_by("code")
    for number in (None, "", "1", "2", "3", "x", "99", "-1"):
        expected = Paginator(queryset, 5).get_page(number)
        page = SingleScanPaginator(queryset, 5).get_page(number)
        assert [o.code for o in page] == [o.code for o in expected]
        assert (page.number, page.paginator.count) == (expected.number, expected.paginator.count)
    with django_assert_num_queries(1):
        assert SingleScanPaginator(queryset, 5).get_page(None).paginator.count == 13
    with django_assert_num_queries(1):
        page = SingleScanPaginator(queryset, 5).get_page("2")
        assert page.paginator.num_pages == 3
        assert page.has_next()


def test_an_empty_result_is_one_page_of_nothing(db):
    page = SingleScanPaginator(Organization.objects.order_by("code"), 5).get_page("1")
    assert list(page) == []
    assert page.paginator.count == 0
