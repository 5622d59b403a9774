"""Where each organisation stands in a year's 换届, and the progress figures."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teams.choices import ElectionMethod, Position, VettingBody
from teams.models import Candidate, Election, VettingCheck
from teams.renewal import RenewalState, VettingState, progress_for, renewal_rows
from tests.factories import make_org
from tests.helpers import id_number

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 1)
YEAR = 2026


def election(org, held_on, approved_on=None) -> Election:
    return Election.objects.create(
        organization=org,
        held_on=held_on,
        expected=10,
        present=9,
        method=ElectionMethod.EQUAL,
        approved_on=approved_on,
    )


def states(root) -> dict[str, str]:
    return {r.organization.code: r.state for r in renewal_rows(root, year=YEAR, today=TODAY)}


def test_each_state_at_its_edge(town_a):
    village = {"parent": town_a, "term_years": 5}
    make_org(code="OVER", term_started_on=datetime.date(2021, 9, 1), **village)  # ends today
    make_org(code="DUE", term_started_on=datetime.date(2021, 12, 31), **village)
    make_org(code="NEXT", term_started_on=datetime.date(2022, 1, 1), **village)
    make_org(code="NONE", **village)
    held = make_org(code="HELD", term_started_on=datetime.date(2021, 5, 1), **village)
    election(held, datetime.date(2026, 5, 1))
    approved = make_org(code="OK", term_started_on=datetime.date(2021, 5, 1), **village)
    election(approved, datetime.date(2026, 5, 1), datetime.date(2026, 5, 20))
    make_org(town_a, code="WORK", kind="working_committee", level="township", domain="other")
    found = states(town_a)
    assert found["OVER"] == RenewalState.OVERDUE
    assert found["DUE"] == RenewalState.DUE
    assert found["NEXT"] == RenewalState.NOT_DUE
    assert found["NONE"] == RenewalState.UNKNOWN
    assert found["HELD"] == RenewalState.HELD
    assert found["OK"] == RenewalState.APPROVED
    assert "WORK" not in found  # appointed, not elected


def test_progress_counts_the_due_organisations(town_a):
    village = {"parent": town_a, "term_years": 5}
    make_org(code="OVER", term_started_on=datetime.date(2021, 3, 1), **village)
    make_org(code="DUE", term_started_on=datetime.date(2021, 11, 1), **village)
    make_org(code="NEXT", term_started_on=datetime.date(2023, 1, 1), **village)
    held = make_org(code="HELD", term_started_on=datetime.date(2021, 5, 1), **village)
    election(held, datetime.date(2026, 5, 1))
    approved = make_org(code="OK", term_started_on=datetime.date(2021, 5, 1), **village)
    election(approved, datetime.date(2026, 5, 1), datetime.date(2026, 5, 20))
    # The approved election moved the term, yet the organisation was due this year.
    approved.term_started_on = datetime.date(2026, 5, 1)
    approved.save()
    progress = progress_for(town_a, year=YEAR, today=TODAY)
    assert (progress.due, progress.held, progress.approved) == (4, 2, 1)
    assert (progress.awaiting_approval, progress.overdue) == (1, 1)
    assert progress.running


def test_no_renewal_running_when_nothing_is_due(town_a):
    make_org(town_a, term_years=5, term_started_on=datetime.date(2024, 1, 1))
    progress = progress_for(town_a, year=YEAR, today=TODAY)
    assert progress.due == 0
    assert not progress.running


def candidate(org, seq, results, filed_on=None) -> Candidate:
    c = Candidate.objects.create(
        organization=org,
        name="候选人",
        id_number=id_number("1982-02-02", seq=seq),
        position=Position.SECRETARY,
        proposed_on=datetime.date(2026, 3, 1),
        filed_on=filed_on,
    )
    for body, passed in results.items():
        VettingCheck.objects.create(
            candidate=c,
            body=body,
            passed=passed,
            reason="" if passed else "有违法记录",
            checked_on=datetime.date(2026, 3, 10),
        )
    return c


ALL_PASS = {VettingBody.DISCIPLINE: True, VettingBody.POLICE: True, VettingBody.PETITIONS: True}


def test_vetting_state_of_each_village(town_a):
    village = {"parent": town_a, "term_years": 5, "term_started_on": datetime.date(2021, 10, 1)}
    filed = make_org(code="FILED", **village)
    candidate(filed, 61, ALL_PASS, filed_on=datetime.date(2026, 4, 1))
    passed = make_org(code="PASSED", **village)
    candidate(passed, 62, ALL_PASS)
    failed = make_org(code="FAILED", **village)
    candidate(failed, 63, {**ALL_PASS, VettingBody.POLICE: False})
    pending = make_org(code="PENDING", **village)
    candidate(pending, 64, {VettingBody.DISCIPLINE: True})
    make_org(code="NOONE", **village)
    enterprise = make_org(code="ENT", domain="private_enterprise", **village)
    rows = {r.organization.code: r.vetting for r in renewal_rows(town_a, year=YEAR, today=TODAY)}
    assert rows["FILED"] == VettingState.FILED
    assert rows["PASSED"] == VettingState.PASSED
    assert rows["FAILED"] == VettingState.FAILED
    assert rows["PENDING"] == VettingState.PENDING
    assert rows["NOONE"] == VettingState.NONE
    assert rows[enterprise.code] == VettingState.NOT_APPLICABLE
    # A second, passed candidate makes the failed village's state the better one.
    candidate(failed, 65, ALL_PASS)
    rows = {r.organization.code: r.vetting for r in renewal_rows(town_a, year=YEAR, today=TODAY)}
    assert rows["FAILED"] == VettingState.PASSED


def test_renewal_rows_cost_a_fixed_number_of_queries(town_a):
    for n in range(12):
        org = make_org(town_a, term_years=5, term_started_on=datetime.date(2021, 10, 1))
        election(org, datetime.date(2026, 5, 1))
        candidate(org, 70 + n, ALL_PASS)
    with CaptureQueriesContext(connection) as queries:
        rows = renewal_rows(town_a, year=YEAR, today=TODAY)
    assert len(rows) == 13
    assert len(queries) <= 4


def test_a_past_day_reads_the_elections_of_that_day(town_a):
    org = make_org(town_a, code="LATE", term_years=5, term_started_on=datetime.date(2021, 5, 1))
    election(org, datetime.date(2026, 5, 1), datetime.date(2026, 10, 10))
    org.term_started_on = datetime.date(2026, 5, 1)  # as sync_term left it
    org.save()
    before_election = datetime.date(2026, 4, 30)
    before_approval = datetime.date(2026, 6, 30)
    row = {r.organization.code: r for r in renewal_rows(town_a, year=YEAR, today=before_approval)}
    assert row["LATE"].state == RenewalState.HELD
    row = {r.organization.code: r for r in renewal_rows(town_a, year=YEAR, today=before_election)}
    assert row["LATE"].latest_election is None
    assert row["LATE"].state != RenewalState.APPROVED
