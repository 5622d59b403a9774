"""标准化规范化 grading services and selectors: star bands, 达标 at the pass score,
validation messages naming the dimension, the kept total, scope, year-over-year change."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.choices import STANDARD_DIMENSIONS
from assessments.models import StandardDimension, StandardScoreSheet
from assessments.standards.grading import passed, star_grade
from assessments.standards.selectors import sheets_for, standards_overview, standards_summary
from assessments.standards.services import dimension_total_errors, score_sheet_save
from tests.factories import make_org

TODAY = timezone.localdate()
YEAR = TODAY.year


def scores_for(total: str) -> dict[str, Decimal]:
    """Points adding up to `total`, filling the dimensions in order."""
    left = Decimal(total)
    scores = {}
    for code, _name, points in STANDARD_DIMENSIONS:
        take = min(left, Decimal(points))
        scores[code] = take
        left -= take
    assert left == 0
    return scores


def score(user, org, total: str, year: int = YEAR, **kwargs) -> StandardScoreSheet:
    return score_sheet_save(
        user=user,
        organization=org,
        year=year,
        scores=scores_for(total),
        comment=kwargs.get("comment", ""),
        assessed_on=kwargs.get("assessed_on", TODAY),
    )


@pytest.mark.parametrize(
    ("total", "stars"),
    [
        ("100", 5),
        ("90", 5),
        ("89.9", 4),
        ("80", 4),
        ("79.9", 3),
        ("70", 3),
        ("69.9", 2),
        ("60", 2),
        ("59.9", 1),
        ("0", 1),
    ],
)
def test_star_grade_edges(total, stars):
    assert star_grade(Decimal(total)) == stars


def test_passed_at_the_pass_score():
    assert passed(Decimal("80"), 80)
    assert not passed(Decimal("79.9"), 80)


def test_it_saves_the_sheet_with_the_total_and_history(alice, tree):
    sheet = score(alice, tree["A1"], "87.5", comment="  很好 ")
    sheet.refresh_from_db()
    assert sheet.total == Decimal("87.5")
    assert sheet.scores["setup"] == "15.0"
    assert sum(Decimal(v) for v in sheet.scores.values()) == sheet.total
    assert sheet.comment == "很好"
    assert sheet.assessed_by == alice
    assert sheet.history.latest().history_user == alice


def test_it_updates_the_same_sheet_and_recomputes_the_total(bob, tree):
    first = score(bob, tree["A1"], "70")
    second = score(bob, tree["A1"], "91.2")
    assert first.pk == second.pk
    assert StandardScoreSheet.objects.get().total == Decimal("91.2")
    assert second.history.count() == 2


def error_of(exc: ValidationError, key: str) -> list[str]:
    return exc.value.message_dict[key]


def test_every_dimension_is_required_and_named(bob, tree):
    scores = scores_for("80")
    del scores["venue"]
    with pytest.raises(ValidationError) as exc:
        score_sheet_save(
            user=bob,
            organization=tree["A1"],
            year=YEAR,
            scores=scores,
            comment="",
            assessed_on=TODAY,
        )
    assert error_of(exc, "venue") == ["请填写“阵地建设”的得分。"]
    assert not StandardScoreSheet.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("15.1"), "“组织设置”的得分应在 0 到 15 分之间。"),
        (Decimal("-1"), "“组织设置”的得分应在 0 到 15 分之间。"),
        (Decimal("12.25"), "“组织设置”的得分最多保留一位小数。"),
        ("abc", "“组织设置”的得分应为数字。"),
        ("NaN", "“组织设置”的得分应为数字。"),
    ],
)
def test_points_outside_the_dimension_are_refused(bob, tree, value, message):
    scores = scores_for("50")
    scores["setup"] = value
    with pytest.raises(ValidationError) as exc:
        score_sheet_save(
            user=bob,
            organization=tree["A1"],
            year=YEAR,
            scores=scores,
            comment="",
            assessed_on=TODAY,
        )
    assert error_of(exc, "setup") == [message]
    assert not StandardScoreSheet.objects.exists()


def test_full_points_of_a_dimension_are_accepted(bob, tree):
    assert score(bob, tree["A1"], "100").total == Decimal("100")


def test_only_branch_like_organisations_are_scored(alice, tree):
    with pytest.raises(ValidationError) as exc:
        score(alice, tree["A"], "80")
    message = exc.value.messages[0]
    assert "党支部" in message
    assert "党总支" in message
    assert "甲镇党委" in message
    general = make_org(tree["A"], code="A3", name="甲三总支", kind="general_branch")
    assert score(alice, general, "80").total == 80


def test_dates_and_years_are_checked(bob, tree):
    with pytest.raises(ValidationError) as exc:
        score(bob, tree["A1"], "80", year=YEAR + 1)
    assert "year" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        score(bob, tree["A1"], "80", assessed_on=TODAY + datetime.timedelta(days=1))
    assert error_of(exc, "assessed_on") == ["评定日期不能晚于今天。"]
    with pytest.raises(ValidationError) as exc:
        score(bob, tree["A1"], "80", assessed_on=None)
    assert error_of(exc, "assessed_on") == ["请填写评定日期。"]


def test_staff_outside_the_subtree_and_read_only_users_cannot_score(charlie, sam, leo, tree):
    for user in (charlie, sam, leo):
        with pytest.raises(PermissionDenied):
            score(user, tree["A1"], "80")
    assert not StandardScoreSheet.objects.exists()


def test_summary_at_the_pass_edge(alice, tree):
    score(alice, tree["A1"], "80")
    score(alice, tree["A2"], "79.9")
    summary = standards_summary(tree["C"], YEAR)
    assert (summary.scoreable, summary.scored, summary.passed) == (3, 2, 1)
    assert summary.rate_of_scored == Decimal("50.0")
    assert summary.rate_of_scoreable == Decimal("33.3")
    assert summary.by_stars == {4: 1, 3: 1}


def test_per_township_figures_and_unscored(alice, tree):
    score(alice, tree["A1"], "95")
    overview = standards_overview(tree["C"], YEAR)
    by_code = {c.organization.code: c.figures for c in overview.children}
    assert (by_code["A"].scoreable, by_code["A"].scored, by_code["A"].passed) == (2, 1, 1)
    assert by_code["A"].rate_of_scored == Decimal("100.0")
    assert by_code["B"].scored == 0
    assert by_code["B"].rate_of_scored is None
    assert [o.code for o in overview.unscored] == ["A2", "B1"]


def test_year_over_year_change(alice, tree):
    score(alice, tree["A1"], "78", year=YEAR - 1)
    score(alice, tree["A1"], "91.5")
    score(alice, tree["A2"], "85", year=YEAR - 1)
    score(alice, tree["A2"], "70")
    score(alice, tree["B1"], "60")
    rows = {r.organization.code: r for r in sheets_for(tree["C"], YEAR)}
    assert rows["A1"].change == Decimal("13.5")
    assert rows["A1"].star_change == 2
    assert rows["A2"].change == Decimal("-15")
    assert rows["A2"].star_change == -1
    assert rows["B1"].previous_total is None
    assert rows["B1"].change is None


def test_a_subtree_sees_only_its_sheets(alice, tree):
    score(alice, tree["A1"], "80")
    score(alice, tree["B1"], "80")
    assert [r.organization.code for r in sheets_for(tree["A"], YEAR)] == ["A1"]


def test_the_queries_do_not_grow_with_the_sheets(alice, tree, django_assert_num_queries):
    for i in range(20):
        score(alice, make_org(tree["B"], code=f"B{i + 10}"), "85")
        score(alice, make_org(tree["B"], code=f"BX{i}"), "65", year=YEAR - 1)
    with django_assert_num_queries(4):
        overview = standards_overview(tree["C"], YEAR)
    assert overview.figures.scored == 20


def test_dimension_points_must_add_up_to_100(db):
    setup = StandardDimension.objects.get(code="setup")
    venue = StandardDimension.objects.get(code="venue")
    assert dimension_total_errors({setup.pk: 20}) == [
        "各评分项满分之和须为 100 分，修改后为 105 分；请同时调整其他评分项。"
    ]
    assert dimension_total_errors({setup.pk: 20, venue.pk: 5}) == []
