"""The annual 述职评议: the suggested grade's arithmetic at its edges, the figures it takes
from the year's lists and the health findings, who may grade, and what is recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.choices import ReviewGrade, ThresholdKey
from assessments.health.rules import findings_for
from assessments.models import HealthThreshold, SecretaryReview
from assessments.secretary_reviews.selectors import review_rows
from assessments.secretary_reviews.services import review_save
from assessments.secretary_reviews.suggestion import (
    evaluation_day,
    suggest,
    suggestions_for,
    weights,
)
from tests.factories import make_member, make_user

YEAR = timezone.localdate().year


def test_the_grade_bands_at_their_edges(db):
    w = weights()
    assert (w.list_weight, w.good_min, w.fairly_good_min, w.average_min) == (70, 90, 80, 60)

    def grade(average: str, danger: int = 0, warning: int = 0, orgs: int = 1) -> tuple:
        s = suggest(
            issued=4,
            approved=4,
            average=Decimal(average),
            danger=danger,
            warning=warning,
            organizations=orgs,
            w=w,
        )
        return s.score, s.grade

    # No findings: the health score is 100, so 70 % × average + 30.
    assert grade("85.8") == (Decimal("90.1"), ReviewGrade.GOOD)
    assert grade("85.72") == (Decimal("90.0"), ReviewGrade.GOOD)
    assert grade("85.70") == (Decimal("90.0"), ReviewGrade.GOOD)
    assert grade("85.6") == (Decimal("89.9"), ReviewGrade.FAIRLY_GOOD)
    assert grade("71.5") == (Decimal("80.1"), ReviewGrade.FAIRLY_GOOD)
    assert grade("42.9") == (Decimal("60.0"), ReviewGrade.AVERAGE)
    assert grade("42.8") == (Decimal("60.0"), ReviewGrade.AVERAGE)  # 59.96 rounds to 60.0
    assert grade("42.7") == (Decimal("59.9"), ReviewGrade.POOR)
    # One 严重 (20) and two 提醒 (5 each) at a single organisation: health 70.
    assert grade("100", danger=1, warning=2) == (Decimal("91.0"), ReviewGrade.GOOD)
    # The same findings spread over a township of five organisations weigh a fifth.
    assert grade("100", danger=1, warning=2, orgs=5) == (Decimal("98.2"), ReviewGrade.GOOD)
    # Health never goes below zero.
    assert grade("100", danger=9) == (Decimal("70.0"), ReviewGrade.AVERAGE)


def test_no_approved_list_means_no_suggestion(db):
    s = suggest(
        issued=2, approved=0, average=None, danger=0, warning=0, organizations=1, w=weights()
    )
    assert (s.score, s.grade, s.grade_label) == (None, "", "")
    assert s.health_score == Decimal("100.0")


def test_the_weights_are_configuration(db):
    HealthThreshold.objects.filter(key=ThresholdKey.REVIEW_LIST_WEIGHT).update(value=100)
    s = suggest(
        issued=1,
        approved=1,
        average=Decimal("61"),
        danger=5,
        warning=0,
        organizations=1,
        w=weights(),
    )
    assert (s.score, s.grade) == (Decimal("61.0"), ReviewGrade.AVERAGE)


def test_suggestions_take_the_year_lists_and_the_subtree_findings(
    tree, year_lists, django_assert_max_num_queries
):
    # A1 has 10 members, all men over 40: two village findings (提醒 or 严重 by the rules).
    for seq in range(10):
        make_member(tree["A1"], seq=seq)  # men born in 1980
    rows = {r.organization.code: r for r in review_rows(tree["A"], YEAR)}
    assert set(rows) == {"A", "A1", "A2"}  # B1 is outside the subtree asked about
    a1 = rows["A1"].suggestion
    assert (a1.issued_lists, a1.approved_lists, a1.list_average) == (2, 2, Decimal("85.0"))
    assert a1.organizations == 1
    # The township answers for its villages' findings, averaged over its three organisations.
    township = rows["A"].suggestion
    assert township.organizations == 3
    findings = findings_for(tree["A"], today=evaluation_day(YEAR))
    for finding_org, suggestion in ((None, township), ("A1", a1)):
        mine = [f for f in findings if finding_org in (None, f.code)]
        assert suggestion.danger == sum(f.severity == "danger" for f in mine)
        assert suggestion.warning == sum(f.severity == "warning" for f in mine)
    assert {"no_member_under_40", "no_female_member"} <= {
        f.rule for f in findings if f.code == "A1"
    }
    assert township.list_average is None
    assert township.grade == ""
    assert rows["A2"].suggestion.list_average == Decimal("50.0")
    with django_assert_max_num_queries(40):
        review_rows(tree["C"], YEAR)


def test_who_may_grade(tree, year_lists, alice, bob, charlie, sam, leo):
    a1, town_a = tree["A1"], tree["A"]
    review_save(user=bob, organization=a1, year=YEAR, grade=ReviewGrade.GOOD, comment="x")
    review_save(user=alice, organization=town_a, year=YEAR, grade=ReviewGrade.GOOD, comment="x")
    # Township staff do not grade their own township's secretary; outsiders, leaders and
    # secretaries grade nobody.
    for user, org in ((bob, town_a), (charlie, a1), (leo, a1), (sam, a1), (alice, tree["C"])):
        with pytest.raises(PermissionDenied):
            review_save(user=user, organization=org, year=YEAR, grade=ReviewGrade.POOR, comment="x")
    assert SecretaryReview.objects.count() == 2


def test_a_grade_other_than_the_suggestion_needs_a_reason(tree, year_lists, bob):
    a1 = tree["A1"]
    suggested = suggestions_for(a1, YEAR, reviewed=[a1])[a1.id].grade
    other = ReviewGrade.POOR if suggested != ReviewGrade.POOR else ReviewGrade.GOOD
    with pytest.raises(ValidationError) as caught:
        review_save(user=bob, organization=a1, year=YEAR, grade=other, comment="  ")
    assert "不同，请在评议意见中说明理由" in caught.value.message_dict["comment"][0]
    with pytest.raises(ValidationError) as caught:
        review_save(user=bob, organization=a1, year=YEAR, grade="excellent", comment="")
    assert caught.value.message_dict["grade"] == ["请选择评定等次（好、较好、一般、差）。"]
    with pytest.raises(ValidationError) as caught:
        review_save(user=bob, organization=a1, year=YEAR + 1, grade=suggested, comment="")
    assert "年度须在" in caught.value.message_dict["year"][0]
    assert not SecretaryReview.objects.exists()


def test_the_review_keeps_the_suggestion_it_was_given_against(tree, year_lists, bob):
    a1 = tree["A1"]
    a1.secretary_name = "张书记"
    a1.save()
    first = review_save(
        user=bob, organization=a1, year=YEAR, grade=ReviewGrade.AVERAGE, comment="材料不全"
    )
    assert first.secretary_name == "张书记"
    assert first.list_average == Decimal("85.0")
    assert first.suggested_grade == ReviewGrade.FAIRLY_GOOD
    assert first.suggested_score is not None
    assert first.history.first().history_user == bob
    # Grading again changes the one record of the year, with history.
    other = make_user("bea", tree["A"], "staff")
    second = review_save(
        user=other, organization=a1, year=YEAR, grade=ReviewGrade.POOR, comment="复核"
    )
    assert second.pk == first.pk
    assert SecretaryReview.objects.count() == 1
    assert [h.grade for h in second.history.order_by("history_date")] == ["average", "poor"]
    assert second.reviewed_by == other
