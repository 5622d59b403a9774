"""The 民主评议党员 table of the statistics: the year's results per column, or 未录入."""

from __future__ import annotations

from django.utils import timezone

from members.models.appraisals import Appraisal
from partystats.selectors import party_statistics
from tests.factories import make_member

TODAY = timezone.localdate()


def test_results_not_recorded_read_as_not_recorded(tree):
    make_member(tree["A1"])
    table = party_statistics(tree["C"], TODAY).table("appraisal")
    assert {line.missing for line in table.lines} == {"未录入"}


def test_last_years_results_are_counted_per_township(tree):
    for code, result in (("A1", "excellent"), ("A2", "qualified"), ("B1", "unqualified")):
        member = make_member(tree[code])
        Appraisal.objects.create(
            member=member, organization=tree[code], year=TODAY.year - 1, result=result
        )
    stats = party_statistics(tree["C"], TODAY)
    table = stats.table("appraisal")
    assert table.title == f"民主评议党员（{TODAY.year - 1}年度）"
    columns = [column.code for column in stats.columns]
    excellent, qualified = table.line("appraisal-excellent"), table.line("appraisal-qualified")
    unqualified = table.line("appraisal-unqualified")
    assert (excellent.total, qualified.total, unqualified.total) == (1, 1, 1)
    assert excellent.cells[columns.index("A")] == 1
    assert unqualified.cells[columns.index("B")] == 1
    # a township alone equals its column
    alone = party_statistics(tree["A"], TODAY).table("appraisal")
    assert alone.line("appraisal-qualified").total == 1
