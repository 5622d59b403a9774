"""Figures of the quarter's lists: rates, averages, rankings, items most often failed."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from checklists import figures
from checklists.issuing import issue_checklists
from checklists.models import ResponsibilityList
from core.periods import Quarter
from tests.factories import make_org

YEAR = timezone.localdate().year
Q4 = Quarter(YEAR, 4)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _set(code: str, status: str, *, score: str | None = None, days_late: int = -1):
    checklist = ResponsibilityList.objects.get(organization__code=code, year=YEAR, quarter=4)
    checklist.status = status
    if status != "draft":
        checklist.submitted_at = _at(checklist.deadline + datetime.timedelta(days=days_late))
        checklist.late = days_late > 0  # as the first submission marks it
    checklist.total_score = Decimal(score) if score else None
    checklist.save()
    return checklist


def _score_items(checklist, scores: dict[int, str], rectify: tuple[int, ...] = ()):
    for item in checklist.items.all():
        if item.position in scores:
            item.score = Decimal(scores[item.position])
        item.needs_rectification = item.position in rectify
        item.save()


def test_rates_and_average_of_a_subtree(tree):
    issue_checklists(quarter=Q4)  # A, B, A1, A2, B1
    _set("A1", "approved", score="90")
    _set("A2", "submitted", days_late=2)
    _set("B1", "approved", score="70")
    _set("B", "returned")
    county = figures.quarter_figures(org=tree["C"], quarter=Q4)
    assert (county.issued, county.submitted, county.on_time, county.approved) == (5, 3, 2, 2)
    assert county.submission_rate == Decimal("60.0")
    assert county.on_time_rate == Decimal("40.0")
    assert county.average_score == Decimal("80.0")
    town_a = figures.quarter_figures(org=tree["A"], quarter=Q4)
    assert (town_a.issued, town_a.submitted, town_a.average_score) == (3, 2, Decimal("90.0"))
    assert town_a.submission_rate == Decimal("66.7")


def test_an_empty_quarter_has_no_rates(tree):
    empty = figures.quarter_figures(org=tree["C"], quarter=Quarter(YEAR, 1))
    assert empty.issued == 0
    assert empty.submission_rate is None
    assert empty.average_score is None


def test_submitted_on_the_deadline_day_is_on_time(tree):
    issue_checklists(quarter=Q4, org=tree["A1"])
    _set("A1", "submitted", days_late=0)
    assert figures.quarter_figures(org=tree["A1"], quarter=Q4).on_time == 1


def test_a_list_resubmitted_after_the_deadline_stays_on_time(tree):
    # First submitted on time, sent back, resubmitted after the deadline: the list keeps
    # its first submission's lateness (no 逾期 badge), so the on-time rate counts it.
    issue_checklists(quarter=Q4, org=tree["A"])
    resubmitted = _set("A1", "submitted", days_late=5)
    resubmitted.late = False
    resubmitted.save()
    _set("A2", "submitted", days_late=2)  # late at its first submission
    figures_a = figures.quarter_figures(org=tree["A"], quarter=Q4)
    assert (figures_a.submitted, figures_a.on_time) == (2, 1)


def test_figures_of_each_child_subtree(tree, django_assert_num_queries):
    make_org(tree["C"], code="D", level="other", kind="committee")  # no template: no lists
    issue_checklists(quarter=Q4)
    _set("A1", "approved", score="90")
    _set("A2", "submitted", days_late=2)
    _set("A", "approved", score="70")  # the township's own list is in A's subtree
    _set("B1", "approved", score="80")
    with django_assert_num_queries(2):
        by_child = figures.quarter_figures_by_child(org=tree["C"], quarter=Q4)
    assert list(by_child) == [tree["A"].path, tree["B"].path, tree["C"].path + "0003"]
    a = by_child[tree["A"].path]
    assert (a.issued, a.submitted, a.on_time, a.approved, a.average_score) == (
        3,
        3,
        2,
        2,
        Decimal("80.0"),
    )
    assert a == figures.quarter_figures(org=tree["A"], quarter=Q4)
    assert by_child[tree["B"].path] == figures.quarter_figures(org=tree["B"], quarter=Q4)
    assert by_child[tree["C"].path + "0003"] == figures.EMPTY
    # One level further down: the villages; the township's own list belongs to none.
    villages = figures.quarter_figures_by_child(org=tree["A"], quarter=Q4)
    assert [f.issued for f in villages.values()] == [1, 1]


def test_organisations_ranked_by_score_with_ties_sharing_a_rank(tree):
    issue_checklists(quarter=Q4)
    _set("A1", "approved", score="88")
    _set("A2", "approved", score="95")
    _set("B1", "approved", score="88")
    _set("A", "submitted")  # not approved: not ranked
    ranking = figures.organization_ranking(org=tree["C"], quarter=Q4)
    assert [(r.rank, r.code, r.score) for r in ranking] == [
        (1, "A2", Decimal("95")),
        (2, "A1", Decimal("88")),
        (2, "B1", Decimal("88")),
    ]
    assert [r.code for r in figures.organization_ranking(org=tree["B"], quarter=Q4)] == ["B1"]


def test_townships_ranked_by_the_average_of_their_villages(tree):
    make_org(tree["B"], code="B2")
    issue_checklists(quarter=Q4)
    _set("A1", "approved", score="80")
    _set("A2", "approved", score="91")
    _set("B1", "approved", score="60")
    _set("B2", "submitted")  # not scored: not in B's average
    _set("B", "approved", score="100")  # the township's own list is not a village's
    ranking = figures.township_ranking(org=tree["C"], quarter=Q4)
    assert [(r.rank, r.code, r.score, r.scored_lists) for r in ranking] == [
        (1, "A", Decimal("85.5"), 2),
        (2, "B", Decimal("60.0"), 1),
    ]


def test_a_township_without_scores_comes_last(tree):
    issue_checklists(quarter=Q4)
    _set("B1", "approved", score="60")
    ranking = figures.township_ranking(org=tree["C"], quarter=Q4)
    assert [(r.code, r.score) for r in ranking] == [("B", Decimal("60.0")), ("A", None)]


def test_items_most_often_failed(tree):
    issue_checklists(quarter=Q4)
    a1 = _set("A1", "approved", score="80")
    a2 = _set("A2", "approved", score="80")
    b1 = _set("B1", "approved", score="80")
    first, second = (a1.items.get(position=n) for n in (1, 2))
    # Item 1 is worth p points: below 60 % of p fails, exactly 60 % does not.
    below = first.points * Decimal("0.5")
    at_threshold = first.points * Decimal("0.6")
    _score_items(a1, {1: str(below), 2: "0"})
    _score_items(a2, {1: str(below)})
    _score_items(b1, {1: str(at_threshold)}, rectify=(3,))
    failed = figures.most_failed_items(org=tree["C"], quarter=Q4)
    third = b1.items.get(position=3)
    assert [(f.content, f.count) for f in failed] == sorted(
        [(first.content, 2), (second.content, 1), (third.content, 1)],
        key=lambda pair: (-pair[1], pair[0]),
    )
    assert [f.count for f in figures.most_failed_items(org=tree["B"], quarter=Q4)] == [1]


def test_items_of_lists_under_review_are_not_counted_as_failed(tree):
    issue_checklists(quarter=Q4)
    approved = _set("A1", "approved", score="80")
    under_review = _set("A2", "submitted")
    returned = _set("B1", "returned")
    for checklist in (approved, under_review, returned):
        _score_items(checklist, {1: "0"})
    failed = figures.most_failed_items(org=tree["C"], quarter=Q4)
    assert [(f.content, f.count) for f in failed] == [(approved.items.get(position=1).content, 1)]


def _tree_with_lists(county, count: int) -> None:
    towns = [make_org(county, level="township", kind="committee") for _ in range(3)]
    for n in range(count - 3):
        make_org(towns[n % 3])
    issue_checklists(quarter=Q4)
    for n, checklist in enumerate(ResponsibilityList.objects.all()):
        checklist.status = "approved"
        checklist.submitted_at = _at(checklist.deadline)
        checklist.total_score = Decimal(60 + n)
        checklist.save()
        item = checklist.items.get(position=1)
        item.score = Decimal(0)
        item.save()


def _queries_for_all_figures(county, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        figures.quarter_figures(org=county, quarter=Q4)
        figures.organization_ranking(org=county, quarter=Q4)
        figures.township_ranking(org=county, quarter=Q4)
        figures.most_failed_items(org=county, quarter=Q4)
    return len(queries)


def test_the_figures_cost_the_same_queries_for_5_and_30_lists(db, django_assert_max_num_queries):
    small = make_org(code="S", kind="committee", level="county", domain="other")
    _tree_with_lists(small, 5)
    large = make_org(code="L", kind="committee", level="county", domain="other")
    _tree_with_lists(large, 30)
    assert (
        ResponsibilityList.objects.filter(organization__path__startswith=large.path).count() == 30
    )
    small_queries = _queries_for_all_figures(small, django_assert_max_num_queries)
    large_queries = _queries_for_all_figures(large, django_assert_max_num_queries)
    assert small_queries == large_queries <= 5
    assert len(figures.organization_ranking(org=large, quarter=Q4)) == 30
    assert figures.most_failed_items(org=large, quarter=Q4)[0].count == 27  # villages' item 1
