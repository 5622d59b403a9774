"""The 换届 page of a subtree: the progress figures, the table of due organisations with
its states, search, sort and pages, the export and its log, and who sees what."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orgs.models import Organization
from portal.models import ExportLog
from teams.choices import Position, VettingBody
from teams.models import Candidate, VettingCheck
from tests.factories import make_org
from tests.teams.page_data import OVERDUE_START, TODAY, election, person_id, seat

pytestmark = pytest.mark.django_db

URL = reverse("teams:renewal")
EXPORT = reverse("teams:renewal_export")
YEAR = TODAY.year
#: a village term that ends on the last day of this year: due, not yet overdue
DUE_START = datetime.date(YEAR - 5, 12, 31)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _start(org: Organization, day: datetime.date) -> None:
    Organization.objects.filter(pk=org.pk).update(term_started_on=day)


@pytest.fixture
def renewal(tree):
    """Township A: 甲一村 overdue (its 书记 candidate vetted and filed), 甲二村 elected and
    approved this year, 甲三村 elected awaiting approval, 甲四村 due at the year's end,
    甲五村 with no term recorded, and a 党工委 (no term). Township B: 乙一村 overdue."""
    a = tree["A"]
    _start(tree["A1"], OVERDUE_START)
    seat(tree["A1"], "张书记", Position.SECRETARY)
    candidate = Candidate.objects.create(
        organization=tree["A1"],
        name="李候选",
        id_number=person_id(),
        proposed_on=TODAY - datetime.timedelta(days=60),
        filed_on=TODAY - datetime.timedelta(days=10),
    )
    for body in (VettingBody.DISCIPLINE, VettingBody.POLICE, VettingBody.PETITIONS):
        VettingCheck.objects.create(
            candidate=candidate, body=body, passed=True, checked_on=candidate.proposed_on
        )
    _start(tree["A2"], OVERDUE_START)
    held = datetime.date(YEAR, 1, 15)
    election(tree["A2"], held, held + datetime.timedelta(days=10))
    third = make_org(a, code="A3", name="甲三村支部", term_started_on=OVERDUE_START)
    election(third, datetime.date(YEAR, 1, 20))
    make_org(a, code="A4", name="甲四村支部", term_started_on=DUE_START)
    make_org(a, code="A5", name="甲五村支部")
    make_org(
        a,
        code="AW",
        name="甲镇园区党工委",
        kind="working_committee",
        level="township",
        domain="park",
    )
    make_org(a, code="A6", name="甲六村支部", term_started_on=datetime.date(YEAR - 1, 6, 1))
    _start(tree["B1"], OVERDUE_START)
    _start(a, datetime.date(YEAR - 2, 6, 1))
    _start(tree["B"], datetime.date(YEAR - 2, 6, 1))
    _start(tree["C"], datetime.date(YEAR - 2, 6, 1))
    return tree


def _figures(text: str) -> dict[str, int]:
    return {
        label: int(value)
        for value, label in re.findall(
            r'stat__value">(\d+)</span><span class="stat__label">([^<]+)<', text
        )
    }


def _rows(text: str) -> list[str]:
    return re.findall(r'<th scope="row" class="renewal-table__org"><a href="/teams/([^/]+)/', text)


def test_township_staff_see_the_progress_of_their_township(client, bob, renewal):
    client.force_login(bob)
    response = client.get(URL)
    assert response.status_code == 200
    text = _text(response)
    assert "甲镇党委换届工作进展" in text
    assert _figures(text) == {"应换届": 4, "已选举": 2, "已批复": 1, "待批复": 1, "逾期未换届": 1}
    assert "完成 50.0%" in text
    assert _rows(text) == ["A1", "A2", "A3", "A4"]  # tree order; not B1, A5, A6 nor the 党工委
    assert "已县级备案 <strong>1</strong>" in text
    assert "未提名人选 <strong>3</strong>" in text
    assert "另有 1 个党组织未录入本届任期开始日期" in text
    assert "张书记" in text


def test_county_staff_and_leaders_see_the_county(client, alice, leo, renewal):
    for user in (alice, leo):
        client.force_login(user)
        text = _text(client.get(URL))
        assert "测试县委换届工作进展" in text
        assert _figures(text)["应换届"] == 5
        assert "B1" in _rows(text)
        # and a township of it
        assert _rows(_text(client.get(URL, {"org": "B"}))) == ["B1"]


def test_the_table_filters_searches_and_sorts(client, bob, renewal):
    client.force_login(bob)
    assert _rows(_text(client.get(URL, {"status": "overdue"}))) == ["A1"]
    assert _rows(_text(client.get(URL, {"status": "held"}))) == ["A3"]
    assert _rows(_text(client.get(URL, {"status": "approved"}))) == ["A2"]
    assert _rows(_text(client.get(URL, {"status": "due"}))) == ["A4"]
    assert _rows(_text(client.get(URL, {"q": "甲二"}))) == ["A2"]
    assert _rows(_text(client.get(URL, {"q": "a4"}))) == ["A4"]
    searched = _text(client.get(URL, {"q": "甲"}))
    assert "逾期未换届 <strong>1</strong>" in searched
    assert _rows(_text(client.get(URL, {"sort": "term"}))) == ["A1", "A3", "A4", "A2"]
    assert _rows(_text(client.get(URL, {"sort": "-term"})))[0] == "A2"
    assert _rows(_text(client.get(URL, {"sort": "state"}))) == ["A1", "A4", "A3", "A2"]
    assert _rows(_text(client.get(URL, {"sort": "-election"})))[0] == "A3"
    nothing = _text(client.get(URL, {"q": "没有这个村"}))
    assert "没有符合条件的党组织" in nothing


def test_the_table_is_paged(client, bob, renewal, monkeypatch):
    monkeypatch.setattr("teams.views.renewal.PAGE_SIZE", 3)
    client.force_login(bob)
    first = _text(client.get(URL, {"sort": "state"}))
    assert _rows(first) == ["A1", "A4", "A3"]
    assert "第 1 / 2 页" in first
    assert "sort=state" in first.split('rel="next"')[0].rsplit("href=", 1)[1]
    assert _rows(_text(client.get(URL, {"sort": "state", "page": "2"}))) == ["A2"]


def test_a_year_with_nothing_due_says_so(client, alice, renewal):
    quiet = make_org(renewal["C"], code="Q", name="丙镇党委", kind="committee", level="township")
    make_org(quiet, code="Q1", name="丙一村支部", term_started_on=datetime.date(YEAR - 1, 3, 1))
    client.force_login(alice)
    text = _text(client.get(URL, {"org": "Q"}))
    assert f"{YEAR}年没有应换届的党组织" in text
    assert "renewal-table" not in text
    # four years on, 丙一村 is due
    later = _text(client.get(URL, {"org": "Q", "year": YEAR + 4}))
    assert _rows(later) == ["Q1"]


def test_a_bad_year_is_said_and_replaced(client, bob, renewal):
    client.force_login(bob)
    for year in ("1999", "abc", str(YEAR + 9)):
        response = client.get(URL, {"year": year}, follow=True)
        assert response.status_code == 200
        assert f"年度无效，已显示 {YEAR} 年" in _text(response)


def test_secretaries_are_refused_and_outsiders_find_nothing(
    client, sam, charlie, bob, renewal, quiet_request_log
):
    client.force_login(sam)
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT).status_code == 403
    client.force_login(charlie)
    for params in ({"org": "A"}, {"org": "A1"}, {"org": "C"}, {"org": "NOPE"}):
        assert client.get(URL, params).status_code == 404, params
        assert client.get(EXPORT, params).status_code == 404, params
    assert _rows(_text(client.get(URL))) == ["B1"]
    client.force_login(bob)
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 404
    assert not ExportLog.objects.exists()


def test_the_export_holds_the_table_as_filtered_and_is_logged(client, bob, renewal):
    client.force_login(bob)
    response = client.get(EXPORT, {"status": "", "sort": "state", "format": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["组织代码", "组织名称", "组织类别"]
    assert rows[0][-1] == "书记"
    assert [row[0] for row in rows[1:]] == ["A1", "A4", "A3", "A2"]
    a1 = rows[1]
    assert a1[5] == "逾期未换届"
    assert a1[8] == "已县级备案"
    assert a1[9] == "张书记"
    a2 = rows[4]
    assert a2[6] == f"{YEAR}-01-15"
    assert a2[7] == f"{YEAR}-01-25"
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.rows, log.file_format) == (bob, "committee", 4, "xlsx")
    assert log.organization == renewal["A"]
    assert f"{YEAR}年换届进展表" in log.scope_label
    # as a CSV, filtered: the state and the search are in the log too
    response = client.get(EXPORT, {"status": "overdue", "q": "甲", "format": "csv"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == ["A1"]
    log = ExportLog.objects.latest("pk")
    assert "换届状态：逾期未换届" in log.scope_label
    assert "名称或代码：甲" in log.scope_label


def test_the_export_of_a_township_stays_in_it(client, alice, renewal):
    client.force_login(alice)
    response = client.get(EXPORT, {"org": "B", "format": "csv"})
    codes = [line[0] for line in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
    assert codes == ["组织代码", "B1"]


def test_the_page_reads_a_bounded_number_of_times(
    client, alice, renewal, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    town = make_org(renewal["C"], code="M", name="丁镇党委", kind="committee", level="township")
    for index in range(8):
        village = make_org(town, code=f"M{index}", term_started_on=OVERDUE_START)
        Candidate.objects.create(
            organization=village, name="王候选", id_number=person_id(), proposed_on=TODAY
        )
        election(village, datetime.date(YEAR, 2, 1 + index))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)
