"""A county's own import aliases: what they may say, who keeps them, whose imports use them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.importing import run_import
from core.tables import normalise_header, read_table
from orgs.import_alias_model import ImportAlias
from orgs.import_aliases import aliases_for_import
from orgs.models import Organization
from orgs.resources import OrganizationResource
from tests.factories import make_org, make_user
from tests.helpers import ORG_HEADERS, org_row, xlsx_bytes


def alias(county, table="orgs", column="", text="单位全称", meaning="组织名称", user=None):
    row = ImportAlias(county=county, table=table, column=column, alias=text, meaning=meaning)
    row.full_clean()
    row._history_user = user
    row.save()
    return row


def errors_of(**fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        ImportAlias(**fields).full_clean()
    return caught.value.message_dict


@pytest.fixture
def county_d(db):
    return make_org(code="D", name="邻县县委", kind="committee", level="county", domain="other")


@pytest.fixture
def dave(tree, county_d):
    return make_user("dave", county_d, "staff")


# --- what an alias may say -----------------------------------------------------------------
def test_a_header_alias_and_a_value_alias_are_valid_and_recorded(tree, alice):
    header = alias(tree["C"], user=alice)
    value = alias(tree["C"], column="组织类别", text="支委", meaning="党支部", user=alice)
    assert header.is_header_alias
    assert not value.is_header_alias
    assert header.history.get().history_user == alice
    assert str(value) == "党组织·组织类别：支委 → 党支部"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"meaning": "单位"}, "meaning", "表头别名的“对应含义”须为“党组织”表的列名之一"),
        ({"alias": "组织 名称"}, "alias", "“组织 名称”已是该表的列名，不需要别名。"),
        ({"column": "书记姓名", "meaning": "张三"}, "column", "“书记姓名”不是“党组织”表的可选值列"),
        ({"column": "单位", "meaning": "党委"}, "column", "“单位”不是“党组织”表的可选值列"),
        ({"column": "组织类别", "meaning": "党小组"}, "meaning", "“党小组”不是“组织类别”的可选值"),
        ({"column": "组织类别", "alias": "党委", "meaning": "党支部"}, "alias", "本身就是可选值"),
        ({"column": "是否示范点", "alias": "示范", "meaning": "对"}, "meaning", "只能填写：是、否"),
    ],
)
def test_what_an_alias_says_is_checked_against_the_table(tree, fields, field, message):
    values = {"table": "orgs", "column": "", "alias": "单位全称", "meaning": "组织名称"}
    values.update(fields)
    errors = errors_of(county=tree["C"], **values)
    assert field in errors, errors
    assert message in errors[field][0]


def test_only_a_county_holds_aliases_and_only_of_a_known_table(tree):
    errors = errors_of(county=tree["A"], table="orgs", alias="单位全称", meaning="组织名称")
    assert errors["county"] == ["导入别名只能属于县级党组织。"]
    errors = errors_of(county=tree["C"], table="nope", alias="单位全称", meaning="组织名称")
    assert "table" in errors


def test_an_alias_is_unique_per_county_table_and_column(tree, county_d):
    alias(tree["C"])
    errors = errors_of(county=tree["C"], table="orgs", alias="单位全称", meaning="组织名称")
    assert "__all__" in errors
    alias(county_d)  # another county may say the same


# --- whose imports use them ----------------------------------------------------------------
def test_aliases_apply_to_the_county_and_everyone_under_it(tree, alice, bob, sam, dave):
    alias(tree["C"])
    alias(tree["C"], column="组织类别", text="支委", meaning="党支部")
    alias(tree["C"], table="members", text="同志姓名", meaning="姓名")
    for user in (alice, bob):
        found = aliases_for_import(user, "orgs")
        assert found.headers == {"单位全称": "组织名称"}
        assert found.values == {"组织类别": {"支委": "党支部"}}
    assert aliases_for_import(alice, "members").headers == {"同志姓名": "姓名"}
    assert aliases_for_import(dave, "orgs").headers == {}  # another county
    assert aliases_for_import(sam, "orgs").headers == {}  # no write scope


def test_an_import_without_a_user_uses_the_only_county(tree, django_user_model):
    alias(tree["C"])
    assert aliases_for_import(None, "orgs").headers == {"单位全称": "组织名称"}
    admin = django_user_model.objects.create_superuser("root", password="pw-for-tests-1")
    assert aliases_for_import(admin, "orgs").headers == {"单位全称": "组织名称"}


def test_with_two_counties_an_import_without_a_user_uses_none(tree, county_d):
    alias(tree["C"])
    alias(county_d, text="党组织全名")
    assert aliases_for_import(None, "orgs").headers == {}


def test_a_user_over_two_counties_uses_none(tree, county_d, alice):
    alias(tree["C"])
    make_user("alice", county_d, "staff")
    assert aliases_for_import(alice, "orgs").headers == {}


class WithBuiltIns(OrganizationResource):
    header_aliases = {"组织名称": ("单位名称",), "书记姓名": ("负责人",)}


def test_the_header_alias_map_holds_names_built_ins_and_the_county_s(
    tree, alice, django_assert_num_queries
):
    alias(tree["C"], text="单位 全称")
    alias(tree["C"], text="负责人", meaning="组织名称")  # the county's habit wins
    # Saved past clean(): a column's own name is never taken by an alias.
    ImportAlias.objects.create(county=tree["C"], table="orgs", alias="书记姓名", meaning="组织名称")
    with django_assert_num_queries(0):
        resource = WithBuiltIns(user=alice)
    mapping = resource.header_alias_map()
    for name in ORG_HEADERS:
        assert mapping[normalise_header(name)] == name
    assert mapping["单位名称"] == "组织名称"
    assert mapping["单位全称"] == "组织名称"
    assert mapping["负责人"] == "组织名称"
    assert mapping["书记姓名"] == "书记姓名"
    merged = resource.apply_import_aliases()
    assert merged["组织名称"] == ("单位名称", "单位 全称", "负责人", "书记姓名")
    with django_assert_num_queries(0):  # read once per import
        resource.header_alias_map()


def test_a_county_s_value_aliases_are_read_in_its_imports_only(tree, alice, bob, dave):
    alias(tree["C"], column="组织类别", text="支委", meaning="党支部")
    for user in (bob, alice):
        dataset = read_table(xlsx_bytes([org_row("A9", "A", 组织类别="支委")]), "orgs.xlsx")
        report = run_import(OrganizationResource(user=user), dataset)
        assert report.ok, [str(e) for e in report.errors]
    assert Organization.objects.get(code="A9").kind == "branch"
    dataset = read_table(xlsx_bytes([org_row("D1", "D", 组织类别="支委")]), "orgs.xlsx")
    report = run_import(OrganizationResource(user=dave), dataset)
    assert [str(e) for e in report.errors] == [
        "第2行 [组织类别] “支委”不是可选值，只能填写：党委、党工委、党总支、党支部、联合党支部、"
        "临时党支部。"
    ]


def test_a_county_s_header_aliases_are_read_in_its_imports_only(tree, bob, dave):
    alias(tree["C"])
    headers = ["单位全称" if h == "组织名称" else h for h in ORG_HEADERS]
    dataset = read_table(xlsx_bytes([org_row("A9", "A", 单位全称="甲九村支部")], headers), "o.xlsx")
    report = run_import(OrganizationResource(user=bob), dataset)
    assert report.ok, [str(e) for e in report.errors]
    assert Organization.objects.get(code="A9").name == "甲九村支部"
    dataset = read_table(xlsx_bytes([org_row("D1", "D", 单位全称="丁一村支部")], headers), "o.xlsx")
    assert not run_import(OrganizationResource(user=dave), dataset).ok


# --- who keeps them ------------------------------------------------------------------------
def changelist() -> str:
    return reverse("admin:orgs_importalias_changelist")


def test_county_staff_add_with_their_county_preset_and_change(client, tree, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:orgs_importalias_add"))
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["county"] == tree["C"].pk
    form = {"county": tree["C"].pk, "table": "orgs", "column": "", "alias": "单位全称"}
    response = client.post(reverse("admin:orgs_importalias_add"), {**form, "meaning": "组织名称"})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = ImportAlias.objects.get()
    assert row.history.get().history_user == alice
    response = client.post(reverse("admin:orgs_importalias_add"), {**form, "meaning": "单位"})
    assert "表头别名的“对应含义”须为“党组织”表的列名之一" in response.content.decode()
    assert "单位全称" in client.get(changelist()).content.decode()


def test_township_staff_read_their_county_s_aliases_only(client, tree, bob):
    row = alias(tree["C"])
    client.force_login(bob)
    assert "单位全称" in client.get(changelist()).content.decode()
    change = reverse("admin:orgs_importalias_change", args=[row.pk])
    assert client.get(change).status_code == 200  # the read-only view
    response = client.post(change, {"county": tree["C"].pk, "table": "orgs", "alias": "改"})
    assert response.status_code == 403
    assert client.get(reverse("admin:orgs_importalias_add")).status_code == 403
    client.post(reverse("admin:orgs_importalias_delete", args=[row.pk]), {"post": "yes"})
    assert ImportAlias.objects.get().alias == "单位全称"


def test_staff_of_another_county_see_nothing_of_it(client, tree, dave):
    row = alias(tree["C"])
    client.force_login(dave)
    assert "单位全称" not in client.get(changelist()).content.decode()
    change = reverse("admin:orgs_importalias_change", args=[row.pk])
    assert client.get(change).status_code in (302, 403, 404)
    history = reverse("admin:orgs_importalias_history", args=[row.pk])
    assert client.get(history).status_code == 404
    response = client.get(reverse("admin:orgs_importalias_add"))
    assert response.status_code == 200
    choices = list(response.context["adminform"].form.fields["county"].queryset)
    assert choices == [Organization.objects.get(code="D")]
    form = {"county": tree["C"].pk, "table": "orgs", "alias": "别名", "meaning": "组织名称"}
    client.post(reverse("admin:orgs_importalias_add"), form)
    assert ImportAlias.objects.count() == 1


def test_secretaries_and_leaders_have_no_alias_admin(client, tree, sam, leo):
    alias(tree["C"])
    for user in (sam, leo):
        client.force_login(user)
        assert client.get(changelist()).status_code in (302, 403)
