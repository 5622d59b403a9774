"""The dashboard opens on the last closed quarter, the running one is one click away and
marked 进行中 wherever it is shown; unscored organisations are never given a rank."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

from django.urls import reverse
from django.utils import timezone

from checklists.issuing import issue_checklists
from checklists.models import ResponsibilityList
from core.periods import Period, Quarter
from reports import figures

TODAY = timezone.localdate()
RUNNING = Period.quarter_of(TODAY)
CLOSED = RUNNING.previous


def _text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_opens_on_the_last_closed_quarter(client, leo, tree):
    client.force_login(leo)
    html = _text(client.get("/"))
    assert f"{CLOSED.label} · 数据截至 {CLOSED.last_day:%Y-%m-%d}" in html
    assert f'<option value="{CLOSED}" selected>{CLOSED.label}</option>' in html
    assert f'<option value="{RUNNING}">{RUNNING.label}（进行中）</option>' in html
    assert "尚未结束（进行中）" not in html
    # The running quarter one click away, the closed one marked as shown.
    assert (
        f'<a class="dash-quarters__tab" href="?org=C&amp;period={CLOSED}" aria-current="page">'
        f"{CLOSED.label}</a>"
    ) in html
    assert (
        f'<a class="dash-quarters__tab" href="?org=C&amp;period={RUNNING}">'
        f"{RUNNING.label}（进行中）</a>"
    ) in html


def test_the_running_quarter_is_marked_in_progress(client, leo, tree):
    client.force_login(leo)
    html = _text(client.get("/", {"period": str(RUNNING)}))
    assert f"{RUNNING.label} · 数据截至 {TODAY:%Y-%m-%d}" in html
    assert '<span class="badge badge--warn">进行中</span>' in html
    assert f"{RUNNING.label}尚未结束（进行中）：以下为截至 {TODAY:%Y-%m-%d} 的数据" in html
    assert f'<option value="{RUNNING}" selected>{RUNNING.label}（进行中）</option>' in html
    assert f'href="?org=C&amp;period={RUNNING}" aria-current="page">' in html


def test_the_export_follows_the_default_quarter(client, leo, tree):
    client.force_login(leo)
    response = client.get(reverse("reports:figures_export"), {"format": "csv"})
    assert unquote(response["Content-Disposition"]).endswith(
        f"主要指标-测试县委-{CLOSED.label}.csv"
    )


def test_the_bulletin_form_offers_the_last_closed_quarter_first(client, leo, tree):
    client.force_login(leo)
    html = _text(client.get(reverse("bulletins:list")))
    assert f'<option value="{CLOSED}" selected>{CLOSED.label}</option>' in html
    assert f'<option value="{RUNNING}">{RUNNING.label}（进行中）</option>' in html


def _scores(tree, **scores: str) -> None:
    issue_checklists(quarter=Quarter(CLOSED.year, CLOSED.number))
    for code, score in scores.items():
        ResponsibilityList.objects.filter(
            organization=tree[code], year=CLOSED.year, quarter=CLOSED.number
        ).update(status="approved", total_score=score)


def test_unscored_organisations_are_listed_without_a_rank(client, leo, tree):
    _scores(tree, A1="88")  # township A scored through its village; B not at all
    rows = figures.ranking(org=tree["C"], period=CLOSED, cached=False)
    assert [(r.rank, r.code) for r in rows] == [(1, "A"), (None, "B")]
    client.force_login(leo)
    html = _text(client.get("/", {"period": str(CLOSED)}))
    assert re.search(r'<td class="num">1</td> <th scope="row"><a [^>]*>甲镇党委</a>', html)
    assert re.search(
        r'<td class="num"><span class="muted">未评分</span></td> <th scope="row"><a [^>]*>乙镇党委',
        html,
    )
    # The chart of scores draws the ranked only.
    chart = re.search(r'<svg[^>]*aria-labelledby="chart-scores-title[^"]*".*?</svg>', html)
    assert chart
    assert "甲镇党委" in chart.group(0)
    assert "乙镇党委" not in chart.group(0)
    export = client.get(
        reverse("reports:figures_export"),
        {"format": "csv", "period": str(CLOSED), "table": "ranking"},
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [(r[0], r[1]) for r in rows[1:]] == [("1", "A"), ("未评分", "B")]


def test_the_bulletin_ranks_the_scored_only(tree):
    from reports.bulletin_content import bulletin_html

    _scores(tree, A1="88")
    html = re.sub(r"\s+", " ", bulletin_html(org=tree["C"], period=CLOSED))
    assert '<td class="num">未评分</td> <th scope="row">乙镇党委</th>' in html
    assert '<td class="num">1</td> <th scope="row">甲镇党委</th>' in html
