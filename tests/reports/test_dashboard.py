"""The dashboard page: the numbers of reports.figures, scope, secretaries, query count."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from checklists.issuing import issue_checklists
from core.periods import Period, Quarter
from funding.models import FundLine
from funding.services.funds import disbursement_record
from reports import figures
from tests.factories import make_member, make_org

TODAY = timezone.localdate()
CURRENT = Period.quarter_of(TODAY)
PAST = CURRENT.previous
URL = "/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def data(tree):
    """Members in every village, lists of the past quarter, a fund line in B1."""
    for code in ("A1", "A2", "B1"):
        make_member(tree[code])
    make_member(tree["A1"], female=True)
    issue_checklists(quarter=Quarter(PAST.year, PAST.number))
    line = FundLine.objects.create(
        code="F-B1",
        year=PAST.year,
        organization=tree["B1"],
        category="work",
        source="fiscal",
        budget=Decimal("8000"),
    )
    disbursement_record(user=None, fund=line, amount=Decimal("2000"), paid_on=PAST.last_day)


def _login(client, user):
    client.force_login(user)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_shows_the_figures_of_overview(client, leo, data, tree):
    _login(client, leo)
    response = client.get(URL, {"period": str(PAST)})
    assert response.status_code == 200
    html = _text(response)
    expected = figures.overview(org=tree["C"], period=PAST, cached=False)
    for figure in expected.figures:
        tile = re.search(
            rf'<a class="stat dash-figure" href="{re.escape(figure.url.replace("&", "&amp;"))}">'
            rf'.*?<span class="stat__label">{re.escape(figure.label)}</span>'
            rf' <span class="stat__value[^"]*">([^<]*)</span>'
            rf".*?</span>([^<]*)</span> </a>",
            html,
        )
        assert tile, figure.key
        assert tile.group(1) == figure.display
        assert tile.group(2) == figure.change_text
    assert "测试县委党建工作概览" in html
    assert f"{PAST.label} · 数据截至 {PAST.last_day:%Y-%m-%d}" in html


def test_money_is_written_with_two_decimals_and_separators(client, leo, data):
    _login(client, leo)
    html = _text(client.get(URL, {"period": str(PAST)}))
    # Long values are marked to stay on one line in their tile.
    assert '<span class="stat__value stat__value--long">8,000.00元</span>' in html  # budget
    assert '<span class="stat__value stat__value--long">2,000.00元</span>' in html  # paid


def test_the_ranking_lists_the_townships_with_links(client, leo, data, tree):
    _login(client, leo)
    html = _text(client.get(URL, {"period": str(PAST)}))
    rows = figures.ranking(org=tree["C"], period=PAST, cached=False)
    assert [r.code for r in rows] == ["A", "B"]
    assert f'<a href="?org=A&amp;period={PAST}">甲镇党委</a>' in html
    assert f'<a href="?org=B&amp;period={PAST}">乙镇党委</a>' in html
    assert f'<a href="/funding/?org=B&amp;year={PAST.year}">25%</a>' not in html
    assert f'<a href="/funding/?org=B&amp;year={PAST.year}">25.0%</a>' in html


def test_charts_are_accessible_svg_with_a_data_table(client, leo, data):
    _login(client, leo)
    html = _text(client.get(URL, {"period": str(PAST)}))
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') >= 4
    assert 'aria-labelledby="chart-members-title chart-members-desc"' in html
    assert "<summary>查看数据表</summary>" in html
    assert "style=" not in html
    assert "<script" not in html


def test_bob_sees_township_a_only(client, bob, data, tree):
    _login(client, bob)
    html = _text(client.get(URL, {"period": str(PAST)}))
    assert "甲镇党委党建工作概览" in html
    assert ">甲一村支部</a>" in html  # the villages of A are ranked
    assert "乙镇党委" not in html
    assert "乙一村支部" not in html
    assert '<option value="C"' not in html
    assert client.get(URL, {"org": "B"}).status_code == 404
    assert client.get(URL, {"org": "B1"}).status_code == 404
    assert client.get(URL, {"org": "C"}).status_code == 404
    assert client.get(URL, {"org": "NOPE"}).status_code == 404


def test_leo_sees_the_county_and_may_choose_a_township(client, leo, data, tree):
    _login(client, leo)
    html = _text(client.get(URL))
    assert "测试县委党建工作概览" in html
    assert '<option value="B"' in html
    chosen = _text(client.get(URL, {"org": "B", "period": str(PAST)}))
    assert "乙镇党委党建工作概览" in chosen
    assert '<option value="B" selected>' in chosen
    # Figures of B only: one member.
    members = figures.overview(org=tree["B"], period=PAST, cached=False).figure("members_total")
    assert members.value == 1
    assert re.search(r"党员总数</span> <span class=\"stat__value\">1名</span>", chosen)


def test_the_page_changes_nothing(client, leo, data):
    from members.models import Member

    before = Member.objects.count()
    _login(client, leo)
    assert client.post(URL).status_code == 405
    client.get(URL)
    assert Member.objects.count() == before


def test_a_secretary_sees_their_village_and_the_workbench(client, sam, data, tree):
    _login(client, sam)
    html = _text(client.get(URL))
    assert "甲一村支部党建工作概览" in html
    assert "我的管辖范围" in html
    assert "书记：" in html or "书记" in html
    assert "下级党组织排名" not in html  # a village has nothing below it
    assert client.get(URL, {"org": "A"}).status_code == 404


def test_a_user_without_scope_is_told_whom_to_ask(client, db):
    from accounts.models import User

    client.force_login(User.objects.create_user(username="nobody", password="pw-for-tests-1"))
    html = _text(client.get(URL))
    assert "尚未分配管辖范围" in html
    assert "主要指标" not in html


def test_anonymous_users_are_sent_to_log_in(client, tree):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "bad", ["2026Q5", "tomorrow", "2026-03", f"{TODAY.year + 1}Q1", "0001Q1", "1920Q4"]
)
def test_a_bad_period_falls_back_to_the_last_closed_quarter(client, leo, data, bad):
    _login(client, leo)
    html = _text(client.get(URL, {"period": bad}))
    assert f"不早于 1921 年且不晚于本季度；已显示最近结束的季度（{PAST.label}）的数据" in html
    assert f"{PAST.label} · 数据截至 {PAST.last_day:%Y-%m-%d}" in html


def test_an_older_quarter_can_be_asked_for(client, leo, data):
    _login(client, leo)
    old = Period.quarter_of(TODAY - datetime.timedelta(days=3 * 366))
    html = _text(client.get(URL, {"period": str(old)}))
    assert f"{old.label} · 数据截至 {old.last_day:%Y-%m-%d}" in html
    assert "已显示最近结束的季度" not in html


def test_names_are_escaped(client, leo, data, tree):
    make_org(tree["C"], code="X", name="<b>丙&镇</b>", kind="committee", level="township")
    _login(client, leo)
    html = client.get(URL).content.decode()
    assert "<b>丙&镇</b>" not in html
    assert "&lt;b&gt;丙&amp;镇&lt;/b&gt;" in html


def _grow(town, villages: int) -> None:
    for n in range(villages):
        village = make_org(town, name=f"新村{n}")
        make_member(village)


def test_queries_do_not_grow_with_the_tree(client, leo, data, tree, django_assert_max_num_queries):
    _login(client, leo)
    _grow(tree["A"], 1)
    cache.clear()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(URL, {"period": str(PAST)})
    _grow(tree["A"], 8)
    _grow(tree["B"], 8)
    issue_checklists(quarter=Quarter(PAST.year, PAST.number))
    cache.clear()
    with django_assert_max_num_queries(len(small)):
        assert client.get(URL, {"period": str(PAST)}).status_code == 200
    assert len(small) <= 110
    # A second look within the cache's lifetime computes nothing again.
    with django_assert_max_num_queries(15):
        client.get(URL, {"period": str(PAST)})
