"""The demo county's teams and its 2026 换届 (demo/teams.py): every state of a 换届 is there,
the organisations' 书记 are their committees', and a second run changes nothing. One
seeding, then every check of it."""

from __future__ import annotations

import io

from django.apps import apps
from django.core.management import call_command

from demo.calendar import demo_today
from demo.teams import OVERDUE, PAY_MINIMUM, VACANT, YEAR
from orgs.models import Organization
from teams.choices import Position, PostingKind, VettingBody
from teams.models import CadrePay, Candidate, CommitteeMember, Election, PayStandard, Posting
from teams.renewal import RenewalState, VettingState, progress_for, renewal_rows
from teams.selectors import secretary_vacancies


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--no-bulletins", force=True, stdout=out)
    return out.getvalue()


def team_rows() -> dict[str, int]:
    """Rows of every table of the teams app, history tables included."""
    return {
        m._meta.label: m._default_manager.count() for m in apps.get_app_config("teams").get_models()
    }


def test_the_demo_county_holds_its_2026_renewal(db):
    output = seed()
    assert "演示数据：班子与换届：班子成员 " in output
    county = Organization.objects.get(code="QH")
    today = demo_today()
    check_the_states_of_the_renewal(county, today)
    check_vetting(county)
    check_committees(county, today)
    check_people_around_the_teams(county)
    check_second_run_changes_nothing()


def check_the_states_of_the_renewal(county, today):
    rows = {r.organization.code: r for r in renewal_rows(county, year=YEAR, today=today)}
    states = {code: row.state for code, row in rows.items() if row.due}
    # approved, its term moved to the election: 河湾村's term had ended in June
    assert states["QH0105"] == RenewalState.APPROVED
    hewan = rows["QH0105"].organization
    assert hewan.term_started_on == Election.objects.get(organization=hewan).held_on
    assert hewan.term_started_on.year == YEAR
    # held, awaiting approval
    held = {c for c, s in states.items() if s == RenewalState.HELD}
    assert held == {"QH-XX01", "QH0103", "QH0401"}
    # overdue: the one village whose term ended without an election
    assert [c for c, s in states.items() if s == RenewalState.OVERDUE] == [OVERDUE]
    assert not Election.objects.filter(organization__code=OVERDUE).exists()
    assert rows[OVERDUE].term_ends_on < today
    progress = progress_for(county, year=YEAR, today=today)
    assert progress.running
    assert (progress.approved, progress.awaiting_approval, progress.overdue) == (8, 3, 1)
    # the villages of January have vetted their candidates and wait for their election
    for code in ("QH0301", "QH0304"):
        assert rows[code].state == RenewalState.NOT_DUE
        assert rows[code].vetting in (VettingState.FILED, VettingState.PASSED)
        assert not Election.objects.filter(organization__code=code).exists()
    # a vacant 书记 post: left more than 90 days ago, nobody since
    code, left_on, _reason = VACANT
    vacant = Organization.objects.get(code=code)
    vacancies = secretary_vacancies(
        list(Organization.objects.within(county).values_list("id", flat=True)), today
    )
    assert vacancies == {vacant.id: left_on}
    assert (today - left_on).days > 90
    assert vacant.secretary_name == ""


def check_vetting(county):
    candidates = Candidate.objects.within(county)
    states = {c.vetting_state() for c in candidates}
    assert states == {"passed", "failed", "pending"}
    assert candidates.filter(filed_on__isnull=False).exists()
    assert candidates.filter(filed_on__isnull=True, organization__code="QH0304").exists()
    [refused] = [c for c in candidates if c.vetting_state() == "failed"]
    [check] = [k for k in refused.checks.all() if not k.passed]
    assert check.body == VettingBody.POLICE
    assert check.reason


def check_committees(county, today):
    for org in Organization.objects.within(county):
        in_post = CommitteeMember.objects.filter(organization=org).secretaries().in_post_on(today)
        assert [m.name for m in in_post] == ([org.secretary_name] if org.secretary_name else []), (
            org.code
        )
        assert CommitteeMember.objects.filter(organization=org).in_post_on(today).count() >= 2
    villages = Organization.objects.within(county).filter(level="village")
    secretaries = (
        CommitteeMember.objects.filter(organization__in=villages).secretaries().in_post_on(today)
    )
    one_shoulder = [m for m in secretaries if m.concurrent_post]
    assert len(secretaries) > len(one_shoulder) > len(secretaries) // 2  # most, not all
    # the roster's members are linked, and the 2026 elections' new 书记 are members
    assert CommitteeMember.objects.filter(member__isnull=False).count() > 50
    assert secretaries.filter(member__isnull=False, organization__code="QH0105").exists()
    assert CommitteeMember.objects.filter(position=Position.DEPUTY).exists()


def check_people_around_the_teams(county):
    postings = Posting.objects.within(county)
    kinds = {p.kind for p in postings}
    assert kinds == set(PostingKind.values)
    assert postings.filter(kind=PostingKind.GRADUATE).values("organization").distinct().count() == 2
    assert postings.filter(kind=PostingKind.FIRST_SECRETARY, member__isnull=False).exists()
    assert postings.filter(from_unit="清河县财政局").exists()
    standard = PayStandard.objects.get(organization=county, year=YEAR)
    assert standard.minimum_total == PAY_MINIMUM
    pay = list(CadrePay.objects.within(county).filter(year=YEAR))
    assert len([p for p in pay if p.total < standard.minimum_total]) == 1
    assert len(pay) > 30


def check_second_run_changes_nothing():
    before = team_rows()
    output = seed()
    assert "班子与换届：已有，未改动" in output
    assert "未变 28" in output  # the organisations keep the 书记 and terms the teams gave them
    assert team_rows() == before
