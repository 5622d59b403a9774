"""Choice and yes/no columns: labels as written (full-width, blanks), aliases, refusals."""

from __future__ import annotations

import pytest
from django.db import models

from core.widgets import ChoiceWidget, YesNoWidget
from funding.resources import FundLineResource, VenueProjectResource
from members.choices import ETHNIC_GROUPS
from members.resources.roster import MemberResource
from orgs.resources import OrganizationResource


class Job(models.TextChoices):
    WORKER = "worker", "工人（工勤技能人员）"
    FARMER = "farmer", "农牧渔民"


def widget(**kwargs) -> ChoiceWidget:
    return ChoiceWidget(Job.choices, **kwargs)


@pytest.mark.parametrize(
    "cell",
    [
        "工人（工勤技能人员）",
        "工人(工勤技能人员)",  # half-width brackets: compared in NFKC on both sides
        " 工人（工勤技能人员）\u3000",
        "工人\u200b（工勤技能人员）",
    ],
)
def test_a_label_is_found_however_its_brackets_and_blanks_are_written(cell):
    assert widget().clean(cell) == "worker"


def test_an_alias_stores_the_canonical_value():
    choice = widget(aliases={"农民": "农牧渔民", "工勤人员": "工人(工勤技能人员)"})
    assert choice.clean("农民") == "farmer"
    assert choice.clean("工勤人员") == "worker"  # the target, too, is matched normalised
    assert choice.aliases == {"农民": "农牧渔民", "工勤人员": "工人（工勤技能人员）"}
    assert choice.render("worker") == "工人（工勤技能人员）"


def test_add_aliases_normalises_and_ignores_what_names_no_label():
    choice = widget()
    ignored = choice.add_aliases(
        {"Ｆａｒｍｅｒ": "农牧渔民", "渔民": "渔业", "农牧渔民": "工人（工勤技能人员）"}
    )
    assert choice.aliases == {"farmer": "农牧渔民"}
    assert ignored == ["渔民", "农牧渔民"]  # no such label; a label always means itself
    assert choice.clean("FARMER") == "farmer"
    assert choice.clean("农牧渔民") == "farmer"


def test_an_unknown_value_still_lists_the_allowed_values():
    with pytest.raises(ValueError, match="渔夫") as refused:
        widget(aliases={"农民": "农牧渔民"}).clean("渔夫")
    assert str(refused.value) == "“渔夫”不是可选值，只能填写：工人（工勤技能人员）、农牧渔民。"


def test_blank_is_empty_or_required():
    assert widget().clean("\u3000") == ""
    with pytest.raises(ValueError, match="必填，只能填写：工人（工勤技能人员）、农牧渔民。"):
        widget(required=True).clean(" ")


@pytest.mark.parametrize("cell", ["是", "√", "✓", "✔", "Y", "y", "yes", "YES", "有", "Ｙ", " 是 "])
def test_yes_forms(cell):
    assert YesNoWidget().clean(cell) is True


@pytest.mark.parametrize("cell", ["否", "×", "✗", "N", "n", "no", "No", "无", "", None, "\u3000"])
def test_no_forms(cell):
    assert YesNoWidget().clean(cell) is False


def test_yes_no_refuses_other_text_and_learns_aliases():
    with pytest.raises(ValueError, match="“对”无法识别，只能填写“是”或“否”"):
        YesNoWidget().clean("对")
    widget = YesNoWidget(aliases={"对": "是"})
    assert widget.add_aliases({"错": "否", "也许": "可能"}) == ["也许"]
    assert widget.clean("对") is True
    assert widget.clean("错") is False
    assert widget.render(True) == "是"


# --- the built-in aliases of the tables -----------------------------------------------
def clean(resource, field: str, cell: str) -> str:
    return resource().fields[field].widget.clean(cell)


@pytest.mark.parametrize(
    ("field", "cell", "code"),
    [
        ("gender", "男性", "M"),
        ("gender", "女性", "F"),
        ("ethnicity", "汉", "01"),
        ("ethnicity", "蒙古", "02"),
        ("ethnicity", "维吾尔", "05"),
        ("ethnicity", "土家", "15"),
        ("ethnicity", "土族", "30"),
        ("education", "本科", "bachelor"),
        ("education", "大专", "junior_college"),
        ("education", "硕士研究生", "postgraduate"),
        ("education", "博士", "postgraduate"),
        ("education", "中专", "secondary_vocational"),
        ("education", "高中、中技", "high_school"),
        ("education", "初中", "junior_or_below"),
        ("category", "正式", "full"),
        ("category", "预备", "probationary"),
        ("job", "工人（工勤技能人员）", "worker"),
        ("job", "农民", "farmer"),
        ("job", "企事业单位、社会组织专业技术人员", "professional"),
        ("job", "退休", "retired"),
    ],
)
def test_roster_aliases(field, cell, code):
    assert clean(MemberResource, field, cell) == code


def test_every_ethnic_group_is_also_read_without_its_trailing_zu_except_the_ambiguous_tu():
    widget = MemberResource().fields["ethnicity"].widget
    for code, name in ETHNIC_GROUPS:
        if name != "土族":
            assert widget.clean(name.removesuffix("族")) == code
    with pytest.raises(ValueError, match="不是可选值"):
        widget.clean("土")  # 土族 or 土家族


@pytest.mark.parametrize(
    ("resource", "field", "cell", "code"),
    [
        (OrganizationResource, "kind", "总支", "general_branch"),
        (OrganizationResource, "level", "乡镇", "township"),
        (OrganizationResource, "level", "村（社区）级", "village"),
        (OrganizationResource, "domain", "非公企业", "private_enterprise"),
        (FundLineResource, "category", "集体经济", "economy"),
        (FundLineResource, "source", "财政拨款", "fiscal"),
        (VenueProjectResource, "project_type", "村级活动场所", "village_venue"),
        (VenueProjectResource, "stage", "已完工", "completed"),
    ],
)
def test_orgs_and_funding_aliases(resource, field, cell, code):
    assert clean(resource, field, cell) == code


@pytest.mark.parametrize(
    "resource", [MemberResource, OrganizationResource, FundLineResource, VenueProjectResource]
)
def test_every_built_in_alias_names_a_label_of_its_column(resource):
    columns = {f.column_name: f for f in resource().fields.values()}
    for column, aliases in resource.value_aliases.items():
        widget = columns[column].widget
        assert isinstance(widget, ChoiceWidget)
        assert widget.add_aliases(aliases) == [], column
