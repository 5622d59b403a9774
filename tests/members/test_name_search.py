"""The name search (members/name_search.py): the same answers as "name contains", and on
PostgreSQL through the index of name pieces instead of a read of every member."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from members.models import Member
from members.name_search import INDEX_NAME, NAME_MAX_LENGTH, name_contains, search_pieces
from tests.factories import make_member

LONG_NAME = "阿卜杜热合曼·买买提艾力·司马义·艾则孜·阿布都热西提"  # 27 characters


@pytest.fixture
def named(tree):
    names = ["王建国", "李建华", "王芳", "小建", "买买提·艾力", "Anna Li", LONG_NAME, "欧阳明月"]
    return {name: make_member(tree["A1"], seq=i, name=name) for i, name in enumerate(names)}


def test_the_pieces_of_a_search():
    assert search_pieces("王") == ["王"]
    assert search_pieces("王建") == ["王建"]
    assert search_pieces("王建国") == ["王建", "建国"]
    assert search_pieces("哈哈哈") == ["哈哈"]
    assert search_pieces("") == []


def test_the_index_covers_every_position_a_name_may_have():
    assert Member._meta.get_field("name").max_length == NAME_MAX_LENGTH


@pytest.mark.parametrize(
    "text",
    [
        *("王", "建", "王建", "建国", "王建国", "建华", "·艾", "艾力", "Li", "a L"),
        *("阿布都热西提", "热西", "提", "欧阳", "明月", "王明", "国王", "x"),
    ],
)
def test_it_finds_exactly_what_name_contains_finds(named, text):
    expected = set(Member.objects.filter(name__contains=text).values_list("name", flat=True))
    found = set(Member.objects.filter(name_contains(text)).values_list("name", flat=True))
    assert found == expected


def test_the_end_of_the_longest_name_is_found(named):
    assert len(LONG_NAME) == 27
    for text in (LONG_NAME[-2:], LONG_NAME):
        assert list(Member.objects.filter(name_contains(text)).values_list("name", flat=True)) == [
            LONG_NAME
        ]


def test_the_roster_search_uses_it(client, bob, named):
    client.force_login(bob)
    response = client.get(reverse("members:list"), {"q": "建"})
    names = {member.name for member in response.context["page"].object_list}
    assert names == {"王建国", "李建华", "小建"}
    assert response.context["page"].paginator.count == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL index (CI's second pass)"
)
def test_postgresql_answers_through_the_index(named):
    queryset = Member.objects.filter(name_contains("王建")).order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: force the choice
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert INDEX_NAME in plan
