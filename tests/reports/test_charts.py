"""Server-side SVG charts: escaped text, an accessible name and description, printed values."""

from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from reports.charts import bar_chart, format_number, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output, parsed in a test


def _texts(root: ElementTree.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_a_bar_chart_is_a_named_image_with_every_value_printed():
    svg = bar_chart(
        title="各镇经费执行率", labels=["甲镇", "乙镇"], values=[Decimal("66.7"), 25], unit="%"
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "各镇经费执行率"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == "甲镇：66.7%；乙镇：25%"
    texts = _texts(root)
    assert "66.7%" in texts
    assert "25%" in texts
    assert "甲镇" in texts
    assert "乙镇" in texts


def test_bars_are_scaled_and_a_missing_value_draws_none():
    root = _parse(
        bar_chart(title="t", labels=["a", "b", "c"], values=[50, 100, None], max_value=200)
    )
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart__bar"]
    widths = [float(r.get("width")) for r in bars]
    assert len(bars) == 2
    assert widths[1] == pytest.approx(2 * widths[0])
    assert "—" in _texts(root)


def test_text_is_escaped():
    svg = bar_chart(
        title="<script>alert(1)</script>", labels=["<img src=x>", "甲&乙"], values=[1, 2]
    )
    assert "<script>" not in svg
    assert "<img" not in svg
    assert "&lt;script&gt;" in svg
    assert "甲&amp;乙" in svg
    root = _parse(svg)  # still well-formed XML
    assert "<img src=x>" in _texts(root)


def test_no_inline_styles_and_presentation_defaults_for_print():
    for svg in (
        bar_chart(title="t", labels=["a"], values=[1]),
        stacked_bar_chart(title="t", labels=["a"], series=[("x", [1]), ("y", [2])]),
    ):
        assert "style=" not in svg
        root = _parse(svg)
        assert root.get("font-family").startswith('"Noto Sans CJK SC"')
        assert root.get("fill")
        assert root.get("viewBox")


def test_stacked_series_differ_by_pattern_and_print_their_parts():
    svg = stacked_bar_chart(
        title="党员构成",
        labels=["上期", "本期"],
        series=[("正式党员", [415, 420]), ("预备党员", [17, 12])],
        unit="名",
    )
    root = _parse(svg)
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) == 2
    # The second series is hatched, not only another shade.
    assert patterns[1].find(f"{SVG}path") is not None
    texts = _texts(root)
    assert "415 / 17，共 432名" in texts
    assert "正式党员" in texts
    assert "预备党员" in texts
    assert root.find(f"{SVG}desc").text == (
        "上期：正式党员 415名、预备党员 17名，共 432名；"
        "本期：正式党员 420名、预备党员 12名，共 432名"
    )


def test_long_labels_are_shortened_but_described_in_full():
    name = "中共清河县某某某某某某某某某某某某某某某某某某某某有限公司支部委员会"
    root = _parse(bar_chart(title="t", labels=[name], values=[1]))
    assert any(t.endswith("…") for t in _texts(root))
    assert name in root.find(f"{SVG}desc").text
    assert root.find(f"{SVG}g/{SVG}title").text == f"{name}：1"


def test_two_charts_of_one_page_have_different_ids():
    first = bar_chart(title="甲", labels=["a"], values=[1])
    second = bar_chart(title="乙", labels=["a"], values=[1])
    ids = re.compile(r'aria-labelledby="([^"]+)"')
    assert ids.search(first).group(1) != ids.search(second).group(1)


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="differ"):
        bar_chart(title="t", labels=["a", "b"], values=[1])
    with pytest.raises(ValueError, match="2 labels"):
        stacked_bar_chart(title="t", labels=["a", "b"], series=[("x", [1])])


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (None, "%", "—"),
        (12345, "名", "12,345名"),
        (Decimal("80.0"), "%", "80.0%"),  # a rate: core.numbers.percent
        (Decimal("80.0"), "分", "80分"),
        (Decimal("66.70"), "%", "66.7%"),
        (Decimal("1721000.00"), "元", "1,721,000元"),
        (Decimal("-2.5"), "", "-2.5"),
    ],
)
def test_format_number(value, unit, text):
    assert format_number(value, unit) == text
