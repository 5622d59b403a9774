"""The roster's ID column: masked numbers from our own export are refused as such."""

from __future__ import annotations

import pytest

from members.identity import validate_id_number
from members.resources.dues import MemberByIdNumberWidget
from members.resources.roster import IdNumberWidget
from tests.helpers import id_number

MASKED = (
    "这是脱敏导出的号码（中间被“*”遮盖），不能用于导入。"
    "请从系统导出未脱敏的文件（需“查看完整个人信息”权限），或填写完整号码。"
)


@pytest.mark.parametrize(
    "cell",
    [
        "5134**********1234",
        "5134＊＊＊＊＊＊＊＊＊＊123X",
        " 5134 ****** ****1234 ",
        "5134●●●●●●●●●●1234",
    ],
)
def test_a_masked_number_is_refused_as_masked(cell):
    for widget in (IdNumberWidget(), MemberByIdNumberWidget()):
        with pytest.raises(ValueError, match="脱敏导出") as refused:
            widget.clean(cell)
        assert str(refused.value) == MASKED


def test_full_width_and_lower_case_numbers_are_read():
    number = id_number()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert IdNumberWidget().clean(full_width) == number
    assert IdNumberWidget().clean(f"\u3000{number}\u200b") == number


def test_other_faults_keep_their_messages():
    with pytest.raises(ValueError, match="设为“文本”格式"):
        IdNumberWidget().clean(513401198005170031)
    with pytest.raises(ValueError, match="校验位不正确"):
        IdNumberWidget().clean("513401198005170032")
    with pytest.raises(ValueError, match="必填"):
        MemberByIdNumberWidget().clean("")


def test_a_number_from_the_file_of_another_scope_is_unknown():
    with pytest.raises(ValueError, match="您的管辖范围内没有该公民身份号码的党员"):
        MemberByIdNumberWidget().clean(id_number())


def test_validation_is_memoised_and_refusals_are_not():
    number = id_number(seq=77)
    validate_id_number(number)
    hits = validate_id_number.cache_info().hits
    assert validate_id_number(number) == number
    assert validate_id_number.cache_info().hits == hits + 1
    misses = validate_id_number.cache_info().misses
    for _ in range(2):
        with pytest.raises(ValueError, match="应为 18 位"):
            validate_id_number("5134")
    assert validate_id_number.cache_info().misses == misses + 2
