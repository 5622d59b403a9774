"""The key figures of a subtree and period: each figure on known data, the as-of rule, the
change against the previous period, the ranking and a constant number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.choices import STANDARD_DIMENSIONS
from assessments.health.rules import findings_for
from assessments.standards.selectors import standards_summary
from assessments.standards.services import score_sheet_save
from checklists.figures import quarter_figures
from checklists.issuing import issue_checklists
from checklists.models import ResponsibilityList
from core.periods import Period, Quarter, add_years
from funding.models import FundLine, StageChange, VenueProject
from funding.services.funds import disbursement_record
from funding.services.sites import stage_move
from reports import figures
from reports.figure_table import Measure
from reports.figures import Figure
from tests.factories import make_member, make_org

MONEY = Measure.MONEY

TODAY = timezone.localdate()
# The quarter before this one: always complete, so the as-of rule applies to it.
PERIOD = Period.quarter_of(TODAY).previous
END = PERIOD.last_day
AFTER_END = END + datetime.timedelta(days=1)  # first day of this quarter, never in the future
QUARTER = Quarter(PERIOD.year, PERIOD.number)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _day(offset: int) -> datetime.date:
    return PERIOD.first_day + datetime.timedelta(days=offset)


@pytest.fixture
def people(tree):
    """A1: an old member; one who transferred out the day after the period; one confirmed
    during the period (预备 before it). A2: one who died during the period. B1: one admitted
    during the period."""
    confirmed = _day(3)
    return {
        "old": make_member(tree["A1"]),
        "left_after": make_member(
            tree["A1"], status="transferred_out", status_changed_on=AFTER_END
        ),
        "confirmed_during": make_member(
            tree["A1"], joined_on=add_years(confirmed, -1), confirmed_on=confirmed
        ),
        "died_during": make_member(tree["A2"], status="deceased", status_changed_on=_day(5)),
        "new": make_member(
            tree["B1"], category="probationary", joined_on=_day(10), confirmed_on=None
        ),
    }


def test_members_follow_the_as_of_rule(people, tree):
    result = figures.overview(org=tree["C"], period=PERIOD)
    total, full, probationary, new = (
        result.figure(key)
        for key in ("members_total", "members_full", "members_probationary", "members_new")
    )
    # In the period: old, left_after (left after the end: still counts), confirmed_during
    # (正式 by the end) and new; died_during is gone.
    assert (total.value, full.value, probationary.value, new.value) == (4, 3, 1, 1)
    # The quarter before: old, left_after, died_during (still alive), confirmed_during (预备).
    assert (total.previous, full.previous, probationary.previous, new.previous) == (4, 3, 1, 0)
    assert total.change == 0
    assert new.change == 1
    assert new.change_text == "▲ 1 名"
    assert probationary.trend == "same"


def test_members_of_the_running_quarter_are_the_current_roster(people, tree):
    result = figures.overview(org=tree["C"], period=Period.quarter_of(TODAY))
    # left_after and died_during are no longer 在册.
    assert result.figure("members_total").value == 3
    assert result.figure("members_total").previous == 4


def test_member_figures_link_to_the_filtered_roster(people, tree):
    result = figures.overview(org=tree["A"], period=PERIOD)
    assert result.figure("members_total").value == 3  # all but died_during (A2) and new (B1)
    assert result.figure("members_total").url == "/members/?org=A"
    assert result.figure("members_full").url == "/members/?org=A&category=full"


def _line(org, budget: str) -> FundLine:
    return FundLine.objects.create(
        code=f"F-{org.code}",
        year=PERIOD.year,
        organization=org,
        category="work",
        source="fiscal",
        budget=Decimal(budget),
    )


def test_a_disbursement_after_the_period_end_does_not_count(tree):
    line = _line(tree["A1"], "100000")
    disbursement_record(user=None, fund=line, amount=Decimal("30000"), paid_on=END)
    disbursement_record(user=None, fund=line, amount=Decimal("20000"), paid_on=AFTER_END)
    result = figures.overview(org=tree["C"], period=PERIOD)
    rate = result.figure("funds_execution_rate")
    assert result.figure("funds_disbursed").value == Decimal("30000.00")
    assert rate.value == Decimal("30.0")
    assert rate.url == f"/funding/?org=C&year={PERIOD.year}"
    running = figures.overview(org=tree["C"], period=Period.quarter_of(TODAY))
    if TODAY.year == PERIOD.year:  # the same year's lines: everything paid so far
        assert running.figure("funds_execution_rate").value == Decimal("50.0")
        assert running.figure("funds_execution_rate").previous == Decimal("30.0")


def test_funds_change_against_the_previous_quarter(tree):
    line = _line(tree["A1"], "100000")
    disbursement_record(
        user=None,
        fund=line,
        amount=Decimal("10000"),
        paid_on=PERIOD.previous.last_day - datetime.timedelta(days=5),
    )
    disbursement_record(user=None, fund=line, amount=Decimal("30000"), paid_on=_day(1))
    rate = figures.overview(org=tree["C"], period=PERIOD).figure("funds_execution_rate")
    assert rate.value == Decimal("40.0")
    if PERIOD.previous.year == PERIOD.year:
        assert rate.previous == Decimal("10.0")
        assert rate.change == Decimal("30.0")
        assert rate.change_text == "▲ 30.0 个百分点"
        assert rate.display == "40.0%"
    else:  # the previous quarter belongs to another budget year, which has no lines
        assert rate.previous is None
        assert rate.change_text == "无可比数据"


def test_venue_stages_as_of_the_period_end(tree):
    entered = VenueProject.objects.create(
        code="V-1",
        name="甲二村活动场所",
        organization=tree["A2"],
        project_type="village_venue",
        nature="new",
        planned_investment=Decimal("50"),
        stage="design",
    )
    # Entered (as the import records it) during the period, started after it.
    StageChange.objects.create(
        project=entered, from_stage="", to_stage="design", changed_on=_day(2)
    )
    stage_move(user=None, project=entered, to_stage="construction", on=AFTER_END)
    older = VenueProject.objects.create(
        code="V-2",
        name="乙一村活动场所",
        organization=tree["B1"],
        project_type="village_venue",
        nature="new",
        planned_investment=Decimal("80"),
        stage="construction",
        started_on=PERIOD.previous.first_day,
    )
    StageChange.objects.create(
        project=older, from_stage="", to_stage="construction", changed_on=PERIOD.previous.first_day
    )
    result = figures.overview(org=tree["C"], period=PERIOD)
    assert result.figure("sites_total").value == 2
    assert result.figure("sites_design").value == 1
    assert result.figure("sites_construction").value == 1
    assert result.figure("sites_total").previous == 1  # V-1 did not exist yet
    assert result.figure("sites_design").previous == 0
    assert result.figure("sites_design").url == "/sites/?org=C&stage=design"
    now = figures.overview(org=tree["C"], period=Period.quarter_of(TODAY))
    assert now.figure("sites_construction").value == 2
    assert now.figure("sites_construction").previous == 1


def _set_list(code: str, status: str, score: str | None = None) -> None:
    checklist = ResponsibilityList.objects.get(
        organization__code=code, year=QUARTER.year, quarter=QUARTER.number
    )
    checklist.status = status
    if status != "draft":
        checklist.submitted_at = timezone.make_aware(
            datetime.datetime.combine(checklist.deadline, datetime.time(9))
        )
    checklist.total_score = Decimal(score) if score else None
    checklist.save()


@pytest.fixture
def lists(tree):
    issue_checklists(quarter=QUARTER)  # A, B, A1, A2, B1
    _set_list("A1", "approved", "90")
    _set_list("A2", "submitted")
    _set_list("B1", "approved", "70")


def test_list_figures_are_those_of_checklists(lists, tree):
    result = figures.overview(org=tree["C"], period=PERIOD)
    expected = quarter_figures(org=tree["C"], quarter=QUARTER)
    assert (
        result.figure("lists_submission_rate").value == expected.submission_rate == Decimal("60.0")
    )
    assert result.figure("lists_average_score").value == expected.average_score == Decimal("80.0")
    assert result.figure("lists_issued").value == 5
    assert result.figure("lists_issued").previous == 0  # nothing issued the quarter before
    assert result.figure("lists_submission_rate").previous is None
    assert result.figure("lists_submission_rate").url == (
        f"/checklists/review/?year={QUARTER.year}&quarter={QUARTER.number}"
    )


def _scores(total: str) -> dict[str, Decimal]:
    left, scores = Decimal(total), {}
    for code, _name, points in STANDARD_DIMENSIONS:
        scores[code] = min(left, Decimal(points))
        left -= scores[code]
    return scores


def test_standards_rate_is_the_standards_summary(alice, tree):
    for code, total in (("A1", "85"), ("A2", "60"), ("B1", "92")):
        score_sheet_save(
            user=alice,
            organization=tree[code],
            year=PERIOD.year,
            scores=_scores(total),
            assessed_on=TODAY,
        )
    result = figures.overview(org=tree["C"], period=PERIOD)
    rate = result.figure("standards_rate")
    assert rate.value == standards_summary(tree["C"], PERIOD.year).rate_of_scored
    assert rate.value == Decimal("66.7")
    assert rate.url == f"/health/standards/?org=C&year={PERIOD.year}"


def test_health_findings_by_rule_are_evaluated_on_the_period_end(people, tree):
    expected: dict[str, int] = {}
    for finding in findings_for(tree["C"], today=END):
        expected[finding.rule] = expected.get(finding.rule, 0) + 1
    result = figures.overview(org=tree["C"], period=PERIOD)
    health = result.group("health").figures
    shown = {f.key.removeprefix("health_"): f.value for f in health if f.key != "health_total"}
    assert {rule: n for rule, n in shown.items() if n} == expected
    assert result.figure("health_total").value == sum(expected.values())
    # Three villages of fewer than ten members each.
    few = result.figure("health_fewer_than_10_members")
    assert few.value == 3
    assert few.url == "/health/?org=C&rule=fewer_than_10_members"


def test_organisations_are_counted_as_they_are_now(tree):
    result = figures.overview(org=tree["A"], period=PERIOD)
    assert result.figure("organizations_total").value == 3
    assert result.figure("organizations_branch").value == 2
    assert result.figure("organizations_committee").value == 1
    # The tree keeps no dates: no previous value rather than a made-up "no change".
    assert result.figure("organizations_total").previous is None
    assert result.figure("organizations_total").change is None


def test_ranking_of_the_townships(people, lists, tree):
    line = _line(tree["B1"], "1000")
    disbursement_record(user=None, fund=line, amount=Decimal("250"), paid_on=END)
    rows = figures.ranking(org=tree["C"], period=PERIOD)
    assert [(r.rank, r.code) for r in rows] == [(1, "A"), (2, "B")]
    town_a, town_b = rows
    assert town_a.average_score == Decimal("90.0")
    assert town_a.submission_rate == quarter_figures(org=tree["A"], quarter=QUARTER).submission_rate
    assert town_a.submission_rate == Decimal("66.7")
    assert (town_a.members, town_b.members) == (3, 1)  # as of the period end
    assert town_b.execution_rate == Decimal("25.0")
    assert town_a.execution_rate is None  # nothing budgeted
    found = [f for f in findings_for(tree["C"], today=END) if f.org_path.startswith(tree["B"].path)]
    assert town_b.findings == len(found) > 0


def test_ranking_ties_share_a_rank_and_unscored_come_last(tree):
    issue_checklists(quarter=QUARTER)
    _set_list("A1", "approved", "80")
    _set_list("B1", "approved", "80")
    extra = make_org(tree["C"], code="D", name="丁镇党委", kind="committee", level="township")
    rows = figures.ranking(org=tree["C"], period=PERIOD)
    assert [(r.rank, r.code, r.average_score) for r in rows] == [
        (1, "A", Decimal("80.0")),
        (1, "B", Decimal("80.0")),
        (None, extra.code, None),  # not scored: listed last, never ranked
    ]


def test_a_village_has_no_ranking(tree):
    assert figures.ranking(org=tree["A1"], period=PERIOD) == []


def test_past_periods_are_cached_and_the_running_one_briefly(people, tree, settings):
    figures.overview(org=tree["C"], period=PERIOD)
    make_member(  # a back-dated entry
        tree["A1"], category="probationary", joined_on=_day(20), confirmed_on=None
    )
    # The past quarter comes from the cache until it expires …
    assert figures.overview(org=tree["C"], period=PERIOD).figure("members_total").value == 4
    # … and is computed afresh without it.
    fresh = figures.overview(org=tree["C"], period=PERIOD, cached=False)
    assert fresh.figure("members_total").value == 5
    settings.REPORTS_CURRENT_CACHE_SECONDS = 0
    running = Period.quarter_of(TODAY)
    before = figures.overview(org=tree["C"], period=running).figure("members_total").value
    make_member(tree["A1"])
    assert (
        figures.overview(org=tree["C"], period=running).figure("members_total").value == before + 1
    )


def _grow(town, villages: int) -> None:
    for n in range(villages):
        village = make_org(town, name=f"新村{n}")
        make_member(village)
        make_member(
            village, female=True, category="probationary", joined_on=_day(1), confirmed_on=None
        )


def _queries(org) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        figures.overview(org=org, period=PERIOD)
        figures.ranking(org=org, period=PERIOD)
    return len(captured)


def test_queries_do_not_grow_with_the_tree(people, lists, tree):
    _grow(tree["A"], 2)
    small = _queries(tree["C"])
    _grow(tree["A"], 6)
    _grow(tree["B"], 6)
    issue_checklists(quarter=QUARTER)  # lists for the new villages too
    assert _queries(tree["C"]) == small
    assert small <= 90


def test_figure_change_and_text():
    up = Figure("k", "名称", Decimal("12.5"), Decimal("10.0"), "%", "/", Measure.RATE)
    assert (up.change, up.trend, up.change_text, up.display) == (
        Decimal("2.5"),
        "up",
        "▲ 2.5 个百分点",
        "12.5%",
    )
    whole = Figure("k", "名称", Decimal("80.0"), Decimal("90.0"), "%", "/", Measure.RATE)
    assert (whole.display, whole.previous_display, whole.change_text) == (
        "80.0%",
        "90.0%",
        "▼ 10.0 个百分点",
    )
    down = Figure("k", "名称", 3, 5, "名", "/")
    assert (down.change, down.trend, down.change_text) == (-2, "down", "▼ 2 名")
    score = Figure("k", "名称", Decimal("80.5"), Decimal("78.0"), "分", "/", Measure.SCORE)
    assert (score.display, score.change_text) == ("80.5分", "▲ 2.5 分")
    unknown = Figure("k", "名称", None, 5, "名", "/")
    assert (unknown.change, unknown.trend, unknown.display) == (None, None, "—")


def test_money_figures_are_written_with_two_decimals_and_separators():
    budget = Figure("funds_budget", "年度预算", Decimal("1441000"), 1067000, "元", "/", MONEY)
    assert (budget.display, budget.previous_display, budget.change_text) == (
        "1,441,000.00元",
        "1,067,000.00元",
        "▲ 374,000.00 元",
    )
    cut = Figure("funds_budget", "年度预算", 0, Decimal("2.5"), "元", "/", MONEY)
    assert (cut.display, cut.change_text) == ("0.00元", "▼ 2.50 元")
    assert Figure("k", "名称", None, None, "元", "/", MONEY).display == "—"


def test_the_budget_figures_are_money_and_no_other(tree):
    result = figures.overview(org=tree["C"], period=PERIOD)
    assert {f.key for f in result.figures if f.measure is MONEY} == {
        "funds_budget",
        "funds_disbursed",
    }
    assert {f.key for f in result.figures if f.measure is Measure.RATE} == {
        "lists_submission_rate",
        "lists_on_time_rate",
        "standards_rate",
        "funds_execution_rate",
    }


def test_refresh_stores_what_the_page_then_reads(people, tree, django_assert_num_queries):
    figures.refresh(org=tree["C"], period=PERIOD)
    figures.refresh(org=tree["C"], period=PERIOD.previous)
    with django_assert_num_queries(0):
        result = figures.overview(org=tree["C"], period=PERIOD)
    assert result.figure("members_total").value == 4


def test_the_beat_job_keeps_the_county_and_township_figures_warm(tree, settings):
    from reports.tasks import refresh_dashboard_figures

    settings.REPORTS_CURRENT_CACHE_SECONDS = 900
    settings.REPORTS_PAST_CACHE_SECONDS = 3600
    today = timezone.localdate()
    current = Period.quarter_of(today)

    def key(code: str, period: Period) -> str:
        return figures._cache_key(tree[code], period, figures.as_of_for(period, today=today))

    keys = [key(code, p) for code in ("C", "A", "B", "A1") for p in (current, current.previous)]
    cache.delete_many(keys)  # never cache.clear(): with Redis it would flush the broker too
    assert refresh_dashboard_figures() == 3  # the county and its two townships
    for code in ("C", "A", "B"):
        for period in (current, current.previous):
            assert cache.get(key(code, period)) is not None, (code, str(period))
    assert cache.get(key("A1", current)) is None  # villages are computed on demand
