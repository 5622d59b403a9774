"""The same figures on the dashboard, in the bulletin and in the export, for one scope and
quarter (one set of query functions, one figure table); the export is scoped like the page."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from reports import figures
from reports.bulletin_content import build_bulletin, bulletin_context
from tests.reports.test_bulletin_content import PERIOD, members, pdf_text  # noqa: F401

EXPORT = reverse("reports:figures_export")


def export_rows(client, **params) -> list[list[str]]:
    response = client.get(EXPORT, {"format": "csv", "period": str(PERIOD), **params})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_dashboard_bulletin_and_export_agree(client, alice, tree, members, tmp_path):  # noqa: F811
    client.force_login(alice)
    page = client.get("/", {"org": "C", "period": str(PERIOD)}).context["overview"]
    exported = {row[1]: row for row in export_rows(client, org="C")[1:]}
    in_bulletin = bulletin_context(org=tree["C"], period=PERIOD)["overview"]
    computed = figures.overview(org=tree["C"], period=PERIOD)
    for figure in computed.figures:
        label = str(figure.label)
        assert page.figure(figure.key).value == figure.value, label
        assert in_bulletin.figure(figure.key).value == figure.value, label
        cell = exported[label][2]
        assert cell == ("" if figure.value is None else str(figure.value)), label
    total = computed.figure("members_total")
    assert total.value == 4
    assert exported[str(total.label)][2] == "4"
    text = pdf_text(build_bulletin(org=tree["C"], period=PERIOD)[0], tmp_path)
    assert str(total.value) in text


def test_the_ranking_export_is_the_dashboard_ranking(client, alice, tree, members):  # noqa: F811
    client.force_login(alice)
    rows = export_rows(client, org="C", table="ranking")
    ranking = figures.ranking(org=tree["C"], period=PERIOD)
    assert [(r[1], r[3]) for r in rows[1:]] == [(r.code, str(r.members)) for r in ranking]
    assert {r[1] for r in rows[1:]} == {"A", "B"}


def test_the_export_stays_in_scope(client, bob, charlie, tree, members):  # noqa: F811
    client.force_login(charlie)
    assert client.get(EXPORT, {"org": "A", "format": "csv"}).status_code == 404
    assert client.get(EXPORT, {"org": "C", "format": "csv"}).status_code == 404
    client.force_login(bob)
    rows = export_rows(client)  # no org: the top of bob's scope, township A
    members_total = next(r for r in rows if r[1] == "党员总数")
    assert members_total[2] == "3"  # A1's three, not B1's member
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 404
