"""Every table declares the header texts offices write for its columns."""

from __future__ import annotations

import pytest

from core.tables import normalise_header
from funding.resources import EconomyRecordResource, FundLineResource, VenueProjectResource
from members.resources.dues import DuesResource
from members.resources.roster import MemberResource
from orgs.resources import OrganizationResource

RESOURCES = [
    MemberResource,
    DuesResource,
    OrganizationResource,
    FundLineResource,
    VenueProjectResource,
    EconomyRecordResource,
]

# The headers of the 全国党员管理信息系统's 党员信息 export.
NATIONAL_ROSTER = {
    "姓名": "姓名",
    "性别": "性别",
    "公民身份号码": "公民身份号码",
    "民族": "民族",
    "出生日期": "出生日期",
    "学历": "学历",
    "人员类别": "人员类别",
    "所在党支部": "所在党组织代码",
    "入党日期": "入党日期",
    "转为正式党员日期": "转正日期",
    "工作岗位": "工作岗位",
    "联系电话": "联系电话",
    "是否为流动党员": "是否流动党员",
    "外出流向": "流动去向",
}


def header_map(resource) -> dict[str, str]:
    """Header text → the column it names, the canonical names included."""
    mapping = {name: name for name in resource().expected_headers()}
    for column, aliases in resource.header_aliases.items():
        for alias in aliases:
            mapping[alias] = column
    return mapping


def test_the_national_roster_headers_are_understood():
    mapping = header_map(MemberResource)
    assert {header: mapping.get(header) for header in NATIONAL_ROSTER} == NATIONAL_ROSTER


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("身份证号", "公民身份号码"),
        ("身份证号码", "公民身份号码"),
        ("公民身份证号码", "公民身份号码"),
        ("所在党组织", "所在党组织代码"),
        ("入党时间", "入党日期"),
        ("出生年月日", "出生日期"),
        ("文化程度", "学历"),
        ("党员类别", "人员类别"),
        ("职业", "工作岗位"),
        ("手机号码", "联系电话"),
        ("流动党员", "是否流动党员"),
        ("流动去向（外出地点）", "流动去向"),
        ("困难党员", "是否生活困难党员"),
    ],
)
def test_roster_header_aliases(header, column):
    assert header_map(MemberResource)[header] == column


@pytest.mark.parametrize("resource", RESOURCES)
def test_aliases_name_columns_and_never_two_of_them(resource):
    names = set(resource().expected_headers())
    assert resource.header_aliases, resource.__name__
    assert set(resource.header_aliases) <= names
    seen: dict[str, str] = {normalise_header(name): name for name in names}
    for column, aliases in resource.header_aliases.items():
        for alias in aliases:
            key = normalise_header(alias)
            assert key not in seen, (alias, column, seen.get(key))
            seen[key] = column
