"""A 党工委 and a 临时党支部 are appointed, not elected: no term end, no term finding, and
the organisation's page says 不实行任期制; the stored 任期年限 stays as it was."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessments.health.rules import findings_for
from core.periods import add_years
from orgs.terms import NOT_ELECTED, is_elected, status_label, status_of, term_end
from tests.factories import make_org, make_user

TODAY = datetime.date(2025, 5, 15)
LONG_AGO = datetime.date(2015, 1, 1)
TERM_RULES = {"term_expired", "term_expiring"}


def term_rules(top, code, today=TODAY) -> set[str]:
    return {f.rule for f in findings_for(top, today=today) if f.code == code} & TERM_RULES


@pytest.fixture
def county(db):
    return make_org(code="C", kind="committee", level="county", domain="other")


def test_appointed_kinds_have_no_term_whatever_the_stored_years(county):
    working = make_org(
        county, code="W", kind="working_committee", level="township", term_started_on=LONG_AGO
    )
    temporary = make_org(
        county,
        code="L",
        kind="temporary_branch",
        level="other",
        domain="other",
        term_started_on=LONG_AGO,
    )
    for org in (working, temporary):
        org.refresh_from_db()
        assert org.term_years in (3, 5)  # kept as stored; the term logic ignores it
        assert not org.is_elected
        assert org.term_ends_on is None
        assert org.term_status(TODAY) == NOT_ELECTED
        assert org.term_status_label == "不实行任期制"
        assert term_rules(county, org.code) == set()


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        ("committee", "township"),
        ("general_branch", "village"),
        ("branch", "village"),
        ("joint_branch", "other"),
    ],
)
def test_elected_kinds_keep_their_terms(county, kind, level):
    """The other kinds: a term ending on TODAY has expired, as before."""
    org = make_org(county, code="E", kind=kind, level=level)
    org.term_started_on = add_years(TODAY, -org.term_years)
    org.save()
    assert org.is_elected
    assert org.term_ends_on == TODAY
    assert org.term_status(TODAY) == "expired"
    assert term_rules(county, "E") == {"term_expired"}
    org.term_started_on = add_years(TODAY, -org.term_years) + datetime.timedelta(days=1)
    org.save()
    assert term_rules(county, "E") == {"term_expiring"}


def test_the_term_functions_by_kind():
    assert not is_elected("working_committee")
    assert not is_elected("temporary_branch")
    assert is_elected("committee")
    assert term_end("working_committee", LONG_AGO, 5) is None
    assert term_end("branch", None, 3) is None
    assert term_end("branch", LONG_AGO, 3) == datetime.date(2018, 1, 1)
    assert status_of("temporary_branch", LONG_AGO, 3, TODAY) == NOT_ELECTED
    assert status_of("branch", LONG_AGO, 3, TODAY) == "expired"
    assert status_of("branch", None, 3, TODAY) == "unknown"
    assert status_label(NOT_ELECTED) == "不实行任期制"
    assert status_label("expired") == "已到期"


def test_the_organisation_page_says_no_term_instead_of_one(client, county):
    working = make_org(
        county,
        code="W",
        name="测试街道党工委",
        kind="working_committee",
        level="township",
        term_started_on=LONG_AGO,
    )
    make_org(working, code="W1", name="测试社区支部", term_started_on=LONG_AGO)
    client.force_login(make_user("staffer", county, "staff"))

    page = client.get(reverse("orgs:detail", args=["W"])).content.decode()
    assert "不实行任期制（党工委由上级党组织批准设立、任命，不进行换届选举）" in page
    assert "任期届满" not in page
    # Its elected branch, in the list of children, keeps its term.
    assert "任期已到期" in page
    assert "任期届满" in client.get(reverse("orgs:detail", args=["W1"])).content.decode()
    county_page = client.get(reverse("orgs:detail", args=["C"])).content.decode()
    assert '<span class="badge badge--muted">不实行任期制</span>' in county_page
