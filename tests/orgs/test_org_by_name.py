"""The 组织代码 column of an import names an organisation by its code, its full name or its
short name, inside the importer's write scope only."""

from __future__ import annotations

import pytest

from core.importing import run_import
from core.tables import read_table
from orgs.importing import OrganizationCodeWidget, short_name
from orgs.life.resources import OrgLifeRecordResource
from orgs.models import OrgLifeRecord
from tests.factories import make_org
from tests.helpers import xlsx_bytes

LIFE_HEADERS = ["组织代码", "会议类型", "召开日期", "主题", "应到人数", "实到人数", "会议记录"]


def life_row(org: str, topic: str = "学习党章") -> dict[str, str]:
    return {
        "组织代码": org,
        "会议类型": "支部党员大会",
        "召开日期": "2024-04-12",
        "主题": topic,
        "应到人数": "12",
        "实到人数": "9",
        "会议记录": "传达上级精神。",
    }


def import_life(rows, user=None):
    dataset = read_table(xlsx_bytes(rows, LIFE_HEADERS), "life.xlsx")
    return run_import(OrgLifeRecordResource(user=user, source="life.xlsx"), dataset)


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


@pytest.fixture
def twin(tree):
    """A second 甲一村 organisation in township A: "甲一村" no longer says which."""
    return make_org(tree["A"], code="X9", name="甲一村党支部")


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("甲一村", "甲一村党支部"),
        ("甲一村", "甲一村支部"),
        ("甲镇", "甲镇党委"),
        ("城关", "城关联合党支部"),
        ("城关", "城关临时党支部"),
        ("乙村", "乙村党总支部"),
        ("县直机关工", "县直机关工委员会"),
        ("", "党委"),
        ("", "甲一村"),
    ],
)
def test_the_short_name_leaves_out_the_longest_kind_suffix(short, full):
    assert short_name(full) == short


def test_an_organisation_is_found_by_code_full_name_or_short_name(tree, bob):
    rows = [
        life_row("A1", "按代码"),
        life_row("甲 一村支部", "按全称"),  # blanks inside do not matter
        life_row("甲二村", "按简称"),
    ]
    report = import_life(rows, user=bob)
    assert report.ok, messages(report)
    found = dict(OrgLifeRecord.objects.values_list("topic", "organization__code"))
    assert found == {"按代码": "A1", "按全称": "A1", "按简称": "A2"}


def test_an_exact_full_name_wins_over_a_shared_short_name(tree, bob, twin):
    report = import_life([life_row("甲一村党支部")], user=bob)
    assert report.ok, messages(report)
    assert OrgLifeRecord.objects.get().organization == twin


def test_an_ambiguous_name_lists_the_candidates_with_their_codes(tree, bob, twin):
    report = import_life([life_row("甲一村")], user=bob)
    assert messages(report) == [
        "第2行 [组织代码] “甲一村”对应多个党组织：甲一村支部（A1）、甲一村党支部（X9），"
        "请改填组织代码。"
    ]
    assert not OrgLifeRecord.objects.exists()


def test_a_name_outside_the_scope_reads_like_a_name_that_does_not_exist(tree, bob):
    outside = import_life([life_row("乙一村支部")], user=bob)
    unknown = import_life([life_row("丙一村支部")], user=bob)
    assert messages(outside) == [
        "第2行 [组织代码] 您的管辖范围内没有名为“乙一村支部”的党组织，请核对名称或改填组织代码。"
    ]
    assert messages(unknown) == [messages(outside)[0].replace("乙", "丙")]
    short_outside = import_life([life_row("乙一村")], user=bob)
    short_unknown = import_life([life_row("丙一村")], user=bob)
    assert messages(short_unknown) == [messages(short_outside)[0].replace("乙", "丙")]


def test_organisations_outside_the_scope_make_no_name_ambiguous(tree, bob):
    make_org(tree["B"], code="B9", name="甲二村党总支")
    report = import_life([life_row("甲二村")], user=bob)
    assert report.ok, messages(report)
    assert OrgLifeRecord.objects.get().organization.code == "A2"


def test_codes_answer_as_before(tree, bob):
    assert messages(import_life([life_row("B1")], user=bob)) == [
        "第2行 [组织代码] 组织“B1”不在您的管辖范围内。"
    ]
    assert messages(import_life([life_row("NOPE")], user=bob)) == [
        "第2行 [组织代码] 组织代码“NOPE”不存在。"
    ]


def test_without_a_user_every_organisation_is_in_scope(tree):
    report = import_life([life_row("乙一村")])
    assert report.ok, messages(report)
    assert OrgLifeRecord.objects.get().organization.code == "B1"


def test_the_export_writes_codes(tree, bob):
    import_life([life_row("甲一村支部")], user=bob)
    exported = OrgLifeRecordResource(user=bob).export()
    assert exported["组织代码"] == ["A1"]


def test_names_cost_no_query_per_row(tree, bob, twin, django_assert_num_queries):
    widget = OrganizationCodeWidget(lambda: bob)
    assert widget.clean("A1") == tree["A1"]  # the one load
    with django_assert_num_queries(0):
        assert widget.clean("甲二村支部") == tree["A2"]
        assert widget.clean("甲二村") == tree["A2"]
        assert widget.clean("甲一村党支部") == twin
        with pytest.raises(ValueError, match="对应多个党组织"):
            widget.clean("甲一村")
        with pytest.raises(ValueError, match="您的管辖范围内没有名为“乙一村”的党组织"):
            widget.clean("乙一村")


def import_orgs(rows, user=None):
    from orgs.resources import OrganizationResource
    from tests.helpers import ORG_HEADERS

    dataset = read_table(xlsx_bytes(rows, ORG_HEADERS), "orgs.xlsx")
    return run_import(OrganizationResource(user=user, source="orgs.xlsx"), dataset)


def test_a_new_branchs_parent_may_be_named_by_name(tree, bob):
    from orgs.models import Organization
    from tests.helpers import org_row

    report = import_orgs([org_row("A3", "甲镇党委"), org_row("A4", "甲镇")], user=bob)
    assert report.ok, messages(report)
    for code in ("A3", "A4"):
        branch = Organization.objects.get(code=code)
        assert Organization.objects.get_parent(branch).code == "A"


def test_a_parent_named_outside_the_scope_reads_like_no_such_parent(tree, bob):
    from tests.helpers import org_row

    outside = messages(import_orgs([org_row("A3", "乙镇党委")], user=bob))
    missing = messages(import_orgs([org_row("A3", "丙镇党委")], user=bob))
    assert [m.replace("乙镇党委", "…") for m in outside] == [
        m.replace("丙镇党委", "…") for m in missing
    ]
