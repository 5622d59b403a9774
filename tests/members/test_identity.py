"""GB 11643 ID numbers and masking."""

from __future__ import annotations

import datetime

import pytest

from members.identity import (
    InvalidIdNumber,
    age_on,
    birth_date_from_id,
    check_character,
    gender_from_id,
    mask_id_number,
    mask_phone,
    validate_id_number,
)

# The worked example of GB 11643-1999 (check character X) and one ending in a digit.
EXAMPLE_X = "11010519491231002X"
EXAMPLE_DIGIT = "440524188001010014"


def test_valid_numbers_pass_and_are_normalised():
    assert validate_id_number(EXAMPLE_X.lower()) == EXAMPLE_X
    assert validate_id_number(f" {EXAMPLE_DIGIT} ") == EXAMPLE_DIGIT


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("11010519491231002", "应为 18 位"),
        ("110105194912310021", "校验位不正确"),
        ("1101051949123100AX", "前 17 位应为数字"),
        ("11010519491331002" + check_character("11010519491331002"), "不是有效的出生日期"),
    ],
)
def test_invalid_numbers_say_why(number, fragment):
    with pytest.raises(InvalidIdNumber, match=fragment):
        validate_id_number(number)


def test_birth_date_and_gender_come_from_the_number():
    assert birth_date_from_id(EXAMPLE_X) == datetime.date(1949, 12, 31)
    assert gender_from_id(EXAMPLE_X) == "F"  # 17th digit 2: even
    assert gender_from_id(EXAMPLE_DIGIT) == "M"  # 17th digit 1: odd


def test_age_counts_completed_years():
    birth = datetime.date(2000, 5, 17)
    assert age_on(birth, datetime.date(2018, 5, 16)) == 17
    assert age_on(birth, datetime.date(2018, 5, 17)) == 18


def test_masks_keep_only_what_identifies_nobody():
    assert mask_id_number(EXAMPLE_X) == "1101**********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == mask_phone("") == ""
