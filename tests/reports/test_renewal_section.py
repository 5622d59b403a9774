"""The 换届 section of the dashboard and the bulletin: shown only while a 换届 runs in the
subtree, the very figures of teams.renewal as of the page's day, within the user's scope."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.periods import Period, add_years
from orgs.models import Organization
from reports.bulletin_content import BODY_ROWS, bulletin_context, bulletin_html
from reports.renewal import renewal_section
from teams.choices import ElectionMethod
from teams.models import Election
from teams.renewal import progress_for
from tests.factories import make_org

TODAY = timezone.localdate()
PAST = Period.quarter_of(TODAY).previous  # the quarter the dashboard opens on
DAY = datetime.timedelta(days=1)
URL = "/"


@pytest.fixture(autouse=True)
def _no_figure_cache(settings):
    settings.REPORTS_PAST_CACHE_SECONDS = 0
    settings.REPORTS_CURRENT_CACHE_SECONDS = 0


def term(org: Organization, ends_on: datetime.date) -> Organization:
    """Give the organisation (a village: five years) a term ending on `ends_on`."""
    org.term_started_on = add_years(ends_on, -org.term_years)
    org.save()
    return org


def election(org, held_on, approved_on=None) -> Election:
    return Election.objects.create(
        organization=org,
        held_on=held_on,
        expected=10,
        present=9,
        method=ElectionMethod.EQUAL,
        approved_on=approved_on,
    )


@pytest.fixture
def renewal(tree):
    """In the dashboard's quarter: 甲一村 overdue, 甲二村 elected and approved, and in the
    other township 乙一村 overdue."""
    term(tree["A1"], PAST.last_day - 10 * DAY)
    held = PAST.first_day + 5 * DAY
    election(tree["A2"], held, held + 15 * DAY)
    tree["A2"].term_started_on = held
    tree["A2"].save()
    term(tree["B1"], PAST.last_day - 5 * DAY)
    return tree


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_dashboard_shows_the_figures_of_teams_renewal(client, leo, renewal):
    client.force_login(leo)
    response = client.get(URL, {"period": str(PAST)})
    section = response.context["renewal"]
    expected = progress_for(renewal["C"], year=PAST.year, today=PAST.last_day)
    assert section.progress == expected
    assert (expected.due, expected.held, expected.approved, expected.overdue) == (3, 1, 1, 2)
    html = _text(response)
    assert f"{PAST.year} 年换届选举进展" in html
    tiles = re.findall(
        r'<span class="stat__label">([^<]*)</span> ?<span class="stat__value">(\d+)个</span>', html
    )
    shown = dict(tiles)
    assert shown["应换届"] == "3"
    assert shown["已选举"] == "1"
    assert shown["已批复"] == "1"
    assert shown["已选举，待批复"] == "0"
    assert shown["逾期未换届"] == "2"
    assert shown["未提名人选"] == "3"  # the three due villages have no candidate
    # the overdue are named, with the day their term ended
    assert ">甲一村支部</a>（任期 " in html
    assert ">乙一村支部</a>（任期 " in html


def test_the_figures_link_to_the_renewal_page_for_staff_and_leaders(client, leo, sam, renewal):
    client.force_login(leo)
    html = client.get(URL, {"period": str(PAST)}).content.decode()
    assert f'href="/teams/renewal/?org=C&amp;year={PAST.year}&amp;status=overdue"' in html
    # A secretary sees their own village's figures, without a page they may not open.
    client.force_login(sam)
    response = client.get(URL, {"period": str(PAST)})
    assert response.context["renewal"].progress.overdue == 1
    assert "/teams/renewal/" not in response.content.decode()


def test_no_section_outside_a_renewal_year(client, leo, tree):
    # A term ending next year is not due in this one: no 换届 is running.
    term(tree["A1"], datetime.date(PAST.year + 1, 6, 1))
    client.force_login(leo)
    response = client.get(URL, {"period": str(PAST)})
    assert response.context["renewal"] is None
    assert "换届选举进展" not in response.content.decode()
    # nor in the bulletin
    assert bulletin_context(org=tree["C"], period=PAST)["renewal"] is None


def test_an_earlier_year_of_the_chooser_has_no_section(client, leo, renewal):
    client.force_login(leo)
    earlier = Period.quarter_of(datetime.date(PAST.year - 1, 6, 1))
    response = client.get(URL, {"period": str(earlier)})
    assert response.context["renewal"] is None


def test_the_section_keeps_to_the_users_scope(client, bob, renewal):
    client.force_login(bob)
    response = client.get(URL, {"period": str(PAST)})
    section = response.context["renewal"]
    assert section.progress == progress_for(renewal["A"], year=PAST.year, today=PAST.last_day)
    assert section.progress.due == 2
    html = _text(response)
    assert ">甲一村支部</a>" in html
    assert "乙一村支部" not in html  # township B's overdue village
    assert "?org=A&amp;year=" in html


def test_the_bulletin_reads_the_quarter_as_of_its_end(tree):
    """A term ending after the quarter's end was due, not overdue, at its end."""
    quarter = Period.parse("2026Q2")
    term(tree["A1"], quarter.last_day - 10 * DAY)  # overdue at the quarter's end
    term(tree["A2"], quarter.last_day + 15 * DAY)  # due then, overdue since
    term(tree["B1"], datetime.date(2027, 3, 1))  # not due in 2026
    context = bulletin_context(org=tree["C"], period=quarter)
    section = context["renewal"]
    assert section.as_of == quarter.last_day
    expected = progress_for(tree["C"], year=2026, today=quarter.last_day)
    assert section.progress == expected
    assert (expected.due, expected.overdue) == (2, 1)
    assert progress_for(tree["C"], year=2026, today=TODAY).overdue == 2  # today: both
    assert [row.organization.code for row in section.overdue] == ["A1"]
    html = re.sub(r"\s+", " ", bulletin_html(org=tree["C"], period=quarter))
    section_html = html[html.index('<h3 id="s-renewal">') :]
    section_html = section_html[: section_html.index("<h3>")]
    assert "2026 年换届选举进展" in section_html
    assert (
        "截至 2026年6月30日，本年应换届党组织 2 个，已完成选举 0 个，其中上级党组织已批复 0 个、"
        "待批复 0 个；逾期未换届 1 个。" in section_html
    )
    assert "应换届村（社区）书记人选资格联审情况：未提名人选 2 个。" in section_html
    assert "<caption>逾期未换届的党组织</caption>" in section_html
    ended = (quarter.last_day - 10 * DAY).isoformat()
    assert f'<th scope="row">甲一村支部</th><td>{ended}</td><td>未提名人选</td>' in section_html
    assert "甲二村支部" not in section_html


def test_the_bulletins_section_keeps_to_its_organisation(tree):
    quarter = Period.parse("2026Q2")
    term(tree["A1"], quarter.last_day - 10 * DAY)
    term(tree["B1"], quarter.last_day - 10 * DAY)
    html = bulletin_html(org=tree["A"], period=quarter)
    assert "甲一村支部" in html
    assert "乙一村支部" not in html


def test_a_long_overdue_list_goes_to_an_appendix_numbered_in_order(tree):
    quarter = Period.parse("2026Q2")
    for n in range(BODY_ROWS + 2):
        term(make_org(tree["A"], name=f"逾期第{n + 1}村党支部"), quarter.last_day - 10 * DAY)
    context = bulletin_context(org=tree["C"], period=quarter)
    # Numbered in the document's order: the 换届 section follows the terms' findings (the
    # same empty villages' problems, expired terms and sizes fill the other appendices).
    labels = [(t.key, t.appendix) for t in context["appendices"]]
    assert labels == [
        ("villages", "附录一"),
        ("terms", "附录二"),
        ("renewal", "附录三"),
        ("branches", "附录四"),
    ]
    [table] = [t for t in context["appendices"] if t.key == "renewal"]
    assert len(table.rows) == BODY_ROWS + 2
    html = bulletin_html(org=tree["C"], period=quarter)
    assert "逾期未换届的共 17 个，下表列出前若干个，完整名单见附录三。" in html
    assert '<section class="appendix" id="a-renewal">' in html
    assert "<h2>附录三 逾期未换届的党组织</h2>" in html


def test_the_section_costs_the_same_queries_however_many_are_due(tree):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            renewal_section(tree["C"], year=2026, as_of=datetime.date(2026, 6, 30))
        return len(captured)

    term(tree["A1"], datetime.date(2026, 3, 1))
    small = queries()
    for n in range(10):
        village = term(make_org(tree["B"]), datetime.date(2026, 3, 1))
        election(village, datetime.date(2026, 4, n + 1))
    assert queries() <= small <= 4
