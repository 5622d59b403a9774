"""What a bulletin says: extractable Chinese naming the organisation and the period, the
dashboard's own figures, escaped user text, appendices for long lists, and the as-of rule."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from core.periods import Period
from funding.models import FundLine
from funding.services.funds import disbursement_record
from members.models import DuesRecord
from reports import figures
from reports.bulletin_content import BODY_ROWS, build_bulletin, bulletin_context, bulletin_html
from tests.factories import make_member, make_org

TODAY = timezone.localdate()
PERIOD = Period.quarter_of(TODAY).previous  # complete, so the as-of rule applies
AFTER_END = PERIOD.last_day + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _no_figure_cache(settings):
    # A cached figure would make the as-of test pass for the wrong reason.
    settings.REPORTS_PAST_CACHE_SECONDS = 0
    settings.REPORTS_CURRENT_CACHE_SECONDS = 0


def pdf_text(data: bytes, tmp_path: Path, name: str = "bulletin.pdf") -> str:
    target = tmp_path / name
    target.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(target), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def members(tree):
    joined = PERIOD.first_day - datetime.timedelta(days=400)
    people = [
        make_member(tree["A1"], joined_on=joined, confirmed_on=joined + datetime.timedelta(365))
        for _ in range(3)
    ]
    people.append(
        make_member(
            tree["B1"],
            female=True,
            birth="1995-03-08",
            joined_on=joined,
            confirmed_on=joined + datetime.timedelta(365),
        )
    )
    return people


def test_the_pdf_names_the_organisation_the_period_and_the_dashboards_figure(
    tree, members, tmp_path
):
    data, pages = build_bulletin(org=tree["C"], period=PERIOD)
    text = pdf_text(data, tmp_path)
    assert "测试县委" in text
    assert PERIOD.label in text
    assert "基层党建工作进展通报" in text
    expected = figures.overview(org=tree["C"], period=PERIOD).figure("members_total").value
    assert expected == 4
    found = re.search(r"党员总数\s+(\d+)名", text)
    assert found, text[:2000]
    assert int(found.group(1)) == expected
    assert f"第1页共{pages}页" in text.replace(" ", "")


def test_the_village_problems_are_named_with_the_village(tree, members):
    context = bulletin_context(org=tree["C"], period=PERIOD)
    villages = {row[0]: row[1] for row in context["building_tables"][0].rows}
    # A1 has three men born in 1980: fewer than 10, nobody under 40, no woman.
    assert "村（社区）党员过少" in villages["甲一村支部"]
    assert "村（社区）无女党员" in villages["甲一村支部"]
    assert "村（社区）无青年党员" in villages["甲一村支部"]
    # B1's only member is a young woman: only "fewer than 10".
    assert villages["乙一村支部"] == "村（社区）党员过少"


def test_names_are_printed_as_text_and_never_fetched(tree, members, tmp_path):
    town = tree["A"]
    town.name = "<img src=file:///etc/passwd>甲镇"
    town.save()
    html = bulletin_html(org=tree["C"], period=PERIOD)
    assert "<img src=file:///etc/passwd>" not in html
    assert "&lt;img src=file:///etc/passwd&gt;甲镇" in html
    data, _pages = build_bulletin(org=tree["C"], period=PERIOD)  # no refused fetch
    text = pdf_text(data, tmp_path)
    assert "<img src=file:///etc/passwd>甲镇" in text


def test_long_lists_go_to_appendices_with_a_table_of_contents(tree, tmp_path):
    for index in range(BODY_ROWS + 3):
        make_org(tree["A"], code=f"A9{index:02d}", name=f"甲镇第{index}村党支部")
    context = bulletin_context(org=tree["C"], period=PERIOD)
    assert context["show_toc"]
    # The new villages are also branches with fewer than three full members.
    assert [t.key for t in context["appendices"]] == ["villages", "branches"]
    data, pages = build_bulletin(org=tree["C"], period=PERIOD)
    text = pdf_text(data, tmp_path).replace(" ", "")
    assert "目录" in text
    assert "附录一存在“三个问题”的村（社区）" in text
    # The contents give the appendix's page number.
    found = re.search(r"附录一存在“三个问题”的村（社区）\.*(\d+)", text)
    assert found
    assert 1 < int(found.group(1)) <= pages
    assert f"甲镇第{BODY_ROWS + 2}村党支部" in text  # a row only the appendix prints


def _leave_after_the_quarter(member) -> None:
    member.status = "transferred_out"
    member.status_changed_on = AFTER_END
    member.save()


def test_a_past_quarters_figures_are_unchanged_by_a_later_departure(tree, members):
    def figures_of(context):
        return (
            [
                (f.key, f.value, f.previous)
                for f in context["overview"].figures
                if f.key.startswith("members")
            ],
            context["structure"],
            [(row.name, row.members) for row in context["ranking"]],
        )

    before = figures_of(bulletin_context(org=tree["C"], period=PERIOD))
    _leave_after_the_quarter(members[0])
    after = figures_of(bulletin_context(org=tree["C"], period=PERIOD))
    assert after == before
    assert {k: v for k, v, _p in before[0]}["members_total"] == 4
    # The departure is real: the running quarter counts one member fewer.
    now = figures.overview(org=tree["C"], period=Period.quarter_of(TODAY))
    assert now.figure("members_total").value == 3


def test_a_past_quarters_whole_bulletin_is_unchanged_by_a_later_departure(tree, members, tmp_path):
    before = pdf_text(build_bulletin(org=tree["C"], period=PERIOD)[0], tmp_path, "before.pdf")
    _leave_after_the_quarter(members[0])
    after = pdf_text(build_bulletin(org=tree["C"], period=PERIOD)[0], tmp_path, "after.pdf")
    assert after == before


def test_an_appendix_prints_at_most_its_row_limit_and_says_how_many_are_left():
    from reports.bulletin_content import APPENDIX_ROWS, DetailTable

    rows = [[f"村{i}", "村（社区）党员过少"] for i in range(APPENDIX_ROWS + 5)]
    table = DetailTable("villages", "三个问题", ["村", "问题"], rows, "无", "附录一")
    assert len(table.body_rows) == BODY_ROWS
    assert len(table.appendix_rows) == APPENDIX_ROWS
    assert table.left_out == 5


def test_every_sum_of_money_is_written_with_two_decimals_and_separators(tree, members):
    line = FundLine.objects.create(
        code="F-A1",
        year=PERIOD.year,
        organization=tree["A1"],
        category="work",
        source="fiscal",
        budget=Decimal("1441000"),
    )
    disbursement_record(user=None, fund=line, amount=Decimal("374000"), paid_on=PERIOD.last_day)
    DuesRecord.objects.create(
        member=members[0],
        month=PERIOD.first_day,
        basis="farmer",
        amount_due=Decimal("1234.5"),
        amount_paid=Decimal("1000"),
        paid_on=PERIOD.first_day,
    )
    html = re.sub(r"\s+", " ", bulletin_html(org=tree["C"], period=PERIOD))
    # The key figures, their change, the funds sentence and table, the dues sentence.
    assert '<td class="num">1,441,000.00元</td>' in html
    assert '<td class="num">374,000.00元</td>' in html
    assert "▲ 374,000.00 元" in html  # disbursed: nothing the quarter before
    assert "预算党建经费 1,441,000.00 元，已拨付 374,000.00 元" in html
    assert '<td class="num">1,441,000.00</td> <td class="num">374,000.00</td>' in html
    assert "本期应交党费 1,234.50 元，实交 1,000.00 元" in html
    for bare in ("1441000", "374000", "374,000元", "1234.5 元"):
        assert bare not in html, bare


def test_the_command_writes_the_same_document(tree, members, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "c.pdf"
    out = io.StringIO()
    call_command("build_bulletin", org="C", quarter=str(PERIOD), out=str(target), stdout=out)
    assert "测试县委" in out.getvalue()
    assert "党员总数" in pdf_text(target.read_bytes(), tmp_path, "check.pdf")
