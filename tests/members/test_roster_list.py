"""The member roster list (/members/): scope, masking, search, filters, sorting, pages."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.identity import mask_id_number, mask_phone
from tests.factories import make_member, make_org

URL = reverse("members:list")


def grant_full_view(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="view_full_personal_data"))


def names_on(response) -> list[str]:
    return [member.name for member in response.context["page"].object_list]


@pytest.fixture
def roster(tree):
    """Members of A1, A2 and B1 that differ in one attribute each."""
    return {
        "张一": make_member(tree["A1"], seq=1, name="张一"),
        "李二": make_member(
            tree["A1"],
            seq=2,
            name="李二",
            female=True,
            birth="1999-03-08",
            ethnicity="04",
            joined_on=datetime.date(2020, 7, 1),
            confirmed_on=datetime.date(2021, 7, 1),
        ),
        "王三": make_member(
            tree["A2"],
            seq=3,
            name="王三",
            category="probationary",
            confirmed_on=None,
            joined_on=datetime.date(2024, 1, 10),
            education="postgraduate",
        ),
        "赵四": make_member(
            tree["A2"],
            seq=4,
            name="赵四",
            birth="1950-02-01",
            job="retired",
            is_mobile=True,
            mobile_destination="广东省深圳市",
            is_in_hardship=True,
            joined_on=datetime.date(1975, 7, 1),
            confirmed_on=datetime.date(1976, 7, 1),
        ),
        "钱五": make_member(tree["B1"], seq=5, name="钱五"),
        "孙六": make_member(
            tree["A1"],
            seq=6,
            name="孙六",
            status="deceased",
            status_changed_on=datetime.date(2024, 5, 1),
        ),
    }


# --- scope -------------------------------------------------------------------------------


def test_it_lists_the_current_members_of_the_users_subtree(client, bob, roster):
    client.force_login(bob)
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(names_on(response)) == sorted(["张一", "李二", "王三", "赵四"])
    assert "共 4 名党员" in response.content.decode()


def test_an_outsider_sees_none_of_township_a(client, charlie, roster):
    client.force_login(charlie)
    response = client.get(URL, {"status": "all"})
    assert names_on(response) == ["钱五"]
    assert "张一" not in response.content.decode()


def test_an_outsider_cannot_filter_by_an_organisation_outside_the_scope(client, charlie, roster):
    client.force_login(charlie)
    response = client.get(URL, {"org": "A"})
    assert names_on(response) == ["钱五"]
    assert response.context["form"].errors["org"]


def test_a_secretary_sees_only_the_own_branch(client, sam, roster):
    client.force_login(sam)
    response = client.get(URL)
    assert sorted(names_on(response)) == ["张一", "李二"]
    org_codes = [code for code, _label in response.context["form"].fields["org"].widget.choices]
    assert org_codes == ["", "A1"]
    assert '<option value="A1">甲一村支部</option>' in response.content.decode()


def test_a_county_leader_reads_the_whole_county_but_cannot_create(client, leo, roster):
    client.force_login(leo)
    response = client.get(URL)
    assert sorted(names_on(response)) == sorted(["张一", "李二", "王三", "赵四", "钱五"])
    assert reverse("members:create") not in response.content.decode()


def test_staff_see_the_create_button(client, bob, roster):
    client.force_login(bob)
    assert reverse("members:create") in client.get(URL).content.decode()


def test_it_requires_login(client, roster):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- masking -----------------------------------------------------------------------------


def test_id_numbers_and_phones_are_masked_without_the_permission(client, bob, roster):
    client.force_login(bob)
    content = client.get(URL).content.decode()
    member = roster["张一"]
    assert member.id_number not in content
    assert mask_id_number(member.id_number) in content
    assert member.phone not in content
    assert mask_phone(member.phone) in content


def test_holders_of_the_permission_see_full_numbers(client, bob, roster):
    grant_full_view(bob)
    client.force_login(bob)
    content = client.get(URL).content.decode()
    assert roster["张一"].id_number in content
    assert roster["张一"].phone in content


# --- search ------------------------------------------------------------------------------


def test_it_searches_by_name(client, bob, roster):
    client.force_login(bob)
    assert names_on(client.get(URL, {"q": "李"})) == ["李二"]


def test_a_full_id_number_finds_the_member_but_shows_it_masked(client, bob, roster):
    client.force_login(bob)
    number = roster["王三"].id_number
    response = client.get(URL, {"q": number.lower()})
    assert names_on(response) == ["王三"]
    content = response.content.decode()
    # The rows (what the search found) show the number masked; only the search box and the
    # sort links carry back what the user typed.
    rows = content[content.index("<tbody>") : content.index("</tbody>")]
    assert number not in rows
    assert mask_id_number(number) in rows


def test_the_last_four_characters_find_a_member_without_the_permission(client, bob, roster):
    client.force_login(bob)
    number = roster["王三"].id_number
    assert names_on(client.get(URL, {"q": number[-4:]})) == ["王三"]


def test_partial_numbers_beyond_the_visible_digits_are_refused_without_the_permission(
    client, bob, roster
):
    client.force_login(bob)
    # The birth-date digits are hidden in the masked number: searching them would reveal them.
    response = client.get(URL, {"q": roster["李二"].id_number[:14]})
    assert "完整的 18 位身份证号码" in response.content.decode()
    assert response.context["form"].errors["q"]
    # The refused search is not applied: the list is the unfiltered one, revealing nothing.
    assert len(names_on(response)) == 4
    assert "清除条件" in response.content.decode()


def test_holders_of_the_permission_search_a_whole_number_exactly(client, bob, roster):
    grant_full_view(bob)
    client.force_login(bob)
    assert names_on(client.get(URL, {"q": roster["李二"].id_number})) == ["李二"]
    # Numbers are stored encrypted: no part of one but its last four can be searched.
    response = client.get(URL, {"q": "19990308"})
    assert response.context["form"].errors["q"]


def test_search_does_not_reach_outside_the_scope(client, charlie, roster):
    client.force_login(charlie)
    assert names_on(client.get(URL, {"q": roster["张一"].id_number})) == []
    assert names_on(client.get(URL, {"q": "张一"})) == []


# --- filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"org": "A1"}, ["张一", "李二"]),
        ({"org": "A"}, ["张一", "李二", "王三", "赵四"]),
        ({"category": "probationary"}, ["王三"]),
        ({"gender": "F"}, ["李二"]),
        ({"age_band": "lt30"}, ["李二"]),
        ({"age_band": "ge60"}, ["赵四"]),
        ({"age_band": "40-49"}, ["张一", "王三"]),
        ({"education": "postgraduate"}, ["王三"]),
        ({"ethnicity": "04"}, ["李二"]),
        ({"job": "retired"}, ["赵四"]),
        ({"mobile": "yes"}, ["赵四"]),
        ({"mobile": "no"}, ["张一", "李二", "王三"]),
        ({"hardship": "yes"}, ["赵四"]),
        ({"hardship": "no"}, ["张一", "李二", "王三"]),
        ({"status": "deceased"}, ["孙六"]),
        ({"status": "all", "org": "A1"}, ["张一", "李二", "孙六"]),
        ({"org": "A2", "mobile": "yes", "hardship": "yes"}, ["赵四"]),
    ],
)
def test_it_filters(client, bob, roster, params, expected):
    client.force_login(bob)
    assert sorted(names_on(client.get(URL, params))) == sorted(expected)


def test_former_members_are_hidden_by_default(client, bob, roster):
    client.force_login(bob)
    assert "孙六" not in names_on(client.get(URL))


def test_the_organisation_select_keeps_the_choice_and_escapes_names(client, bob, tree, roster):
    make_org(tree["A1"], code="A1X", name="甲一<b>村</b>小组")
    client.force_login(bob)
    content = client.get(URL, {"org": "A1"}).content.decode()
    assert '<option value="A1" selected>' in content
    assert "甲一&lt;b&gt;村&lt;/b&gt;小组" in content
    assert "<b>村</b>" not in content


def test_an_invalid_filter_value_is_reported_and_ignored(client, bob, roster):
    client.force_login(bob)
    response = client.get(URL, {"gender": "X"})
    assert response.context["form"].errors["gender"]
    assert len(names_on(response)) == 4


def test_no_match_shows_the_empty_state(client, bob, roster):
    client.force_login(bob)
    response = client.get(URL, {"q": "无此人"})
    assert "没有符合条件的党员" in response.content.decode()


def test_an_empty_scope_shows_the_empty_state(client, bob):
    client.force_login(bob)
    assert "还没有党员" in client.get(URL).content.decode()


# --- sorting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["张一", "李二", "王三", "赵四"]),
        ("-name", ["赵四", "王三", "李二", "张一"]),
        ("age", ["李二", "张一", "王三", "赵四"]),
        ("-age", ["赵四", "王三", "张一", "李二"]),
        ("joined", ["赵四", "张一", "王三", "李二"]),
        ("-joined", ["李二", "王三", "张一", "赵四"]),
        ("org", ["张一", "李二", "王三", "赵四"]),
        ("-org", ["王三", "赵四", "张一", "李二"]),
    ],
)
def test_it_sorts_by_a_whitelisted_column(client, bob, tree, sort, expected):
    day = datetime.date
    people = [
        ("A1", "张一", "1980-05-17", day(2005, 7, 1)),
        ("A1", "李二", "1990-01-01", day(2015, 1, 1)),
        ("A2", "王三", "1975-01-01", day(2010, 1, 1)),
        ("A2", "赵四", "1950-01-01", day(1975, 1, 1)),
    ]
    for seq, (code, name, birth, joined) in enumerate(people, start=1):
        confirmed = joined.replace(year=joined.year + 1)
        make_member(
            tree[code], seq=seq, name=name, birth=birth, joined_on=joined, confirmed_on=confirmed
        )
    client.force_login(bob)
    assert names_on(client.get(URL, {"sort": sort})) == expected


def test_an_unknown_sort_is_refused(client, bob, roster):
    client.force_login(bob)
    response = client.get(URL, {"sort": "id_number"})
    assert response.context["form"].errors["sort"]
    assert names_on(response) == sorted(names_on(response))


def test_the_current_sort_is_announced_and_its_link_reverses_it(client, bob, roster):
    client.force_login(bob)
    response = client.get(URL, {"sort": "age"})
    sorting = response.context["sorting"]
    assert sorting["age"]["aria_sort"] == "ascending"
    assert "sort=-age" in sorting["age"]["url"]
    assert sorting["name"]["aria_sort"] == "none"
    assert 'aria-sort="ascending"' in response.content.decode()


# --- pagination and query count ----------------------------------------------------------


def test_it_pages_by_fifty_and_keeps_the_filters(client, bob, tree):
    for seq in range(51):
        make_member(tree["A1"], seq=100 + seq)
    client.force_login(bob)
    first = client.get(URL, {"org": "A1"})
    assert len(first.context["page"].object_list) == 50
    content = first.content.decode()
    assert "共 51 名党员" in content
    assert "org=A1&amp;page=2" in content
    second = client.get(URL, {"org": "A1", "page": 2})
    assert len(second.context["page"].object_list) == 1


def _list_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"sort": "org"})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [1, 30])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    client, bob, tree, count, django_assert_max_num_queries
):
    for seq in range(count):
        make_member(tree["A1" if seq % 2 else "A2"], seq=200 + seq)
    client.force_login(bob)
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"sort": "org", "q": "王"})
    assert len(response.context["page"].object_list) == count


def test_the_number_of_queries_is_the_same_for_one_and_thirty_rows(client, bob, tree):
    make_member(tree["A1"], seq=300)
    one = _list_queries(client, bob)
    for seq in range(29):
        make_member(tree["A2"], seq=301 + seq)
    assert _list_queries(client, bob) == one


def test_rare_filters_are_folded_away_unless_used(client, bob, tree):
    client.force_login(bob)
    closed = client.get(URL).content.decode()
    assert '<details class="filters__more">' in closed
    opened = client.get(URL, {"education": "bachelor"}).content.decode()
    assert '<details class="filters__more" open>' in opened
