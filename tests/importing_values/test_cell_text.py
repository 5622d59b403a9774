"""One normaliser for cells (core.keys.normalise_text), shared with the key normaliser."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.keys import is_masked, normalise_key, normalise_text
from core.widgets import DecimalWidget, IntegerWidget, MobileWidget, PatternWidget, TextWidget
from members.resources.roster import NameWidget


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("２０２６－０３－０５", "2026-03-05"),
        ("\u3000大学本科\u3000", "大学本科"),  # ideographic spaces
        ("2026 年\u3000\u30003 月", "2026 年 3 月"),  # blanks collapsed to one
        ("大学\u200b本科\ufeff", "大学本科"),  # zero-width space, byte-order mark
        ("第一行\n第二行\t完", "第一行 第二行 完"),  # line breaks are blanks, not dropped
        ("工人（工勤技能人员）", "工人(工勤技能人员)"),
        ("", ""),
    ],
)
def test_normalise_text(cell, text):
    assert normalise_text(cell) == text


def test_the_key_normaliser_is_unchanged():
    assert normalise_key(" ５１３４\u200bx ", upper=True) == "5134X"
    assert normalise_key("138 1234\u30005678", compact=True) == "13812345678"
    assert normalise_key("A\nB") == "AB"


def test_masked_values_are_recognised():
    assert is_masked("5134**********1234")
    assert is_masked("5134＊＊＊＊＊＊＊＊＊＊1234")
    assert is_masked("138●●●●5678")
    assert not is_masked("51340119800517003X")


def test_numbers_are_read_from_full_width_digits():
    assert IntegerWidget().clean("\u3000５") == 5
    assert DecimalWidget().clean("８０，０００．５０") == Decimal("80000.50")
    assert DecimalWidget().clean(" 1,200\u200b") == Decimal("1200.00")
    with pytest.raises(ValueError, match="“十二”不是整数"):
        IntegerWidget().clean("十二")


def test_codes_and_phones_are_matched_normalised():
    code = PatternWidget(r"[A-Za-z0-9-]{1,32}", "代码不对", max_length=32)
    assert code.clean("ＡＢ－１２") == "AB-12"
    assert MobileWidget().clean("１３８ １２３４ ５６７８") == "13812345678"
    assert MobileWidget().clean("\u200b13812345678\u3000") == "13812345678"
    with pytest.raises(ValueError, match="11 位大陆手机号码"):
        MobileWidget().clean("1380013800")


def test_names_and_free_text_keep_their_characters():
    assert TextWidget().clean("  杭州（滨江）  ") == "杭州（滨江）"
    assert NameWidget().clean(" 买买提·艾力 ") == "买买提·艾力"
