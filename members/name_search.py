"""Finding members by part of their name without reading every member.

"Name contains 王建" can use no B-tree index, and PostgreSQL's trigram index (pg_trgm)
needs three characters where most Chinese names have two or three: such a search read all
500,000 members of a city (90 ms for 王建, 600 ms for 王, most of the member search's time
under load).

On PostgreSQL a GIN index holds each name's characters and two-character pieces (at every
position a 30-character name has). A search for 王建国 asks it for the names holding both
王建 and 建国, a search for 王 for those holding 王, and then checks the whole text on those
rows, so the answer is exactly that of LIKE '%王建国%'. The index only makes the search
fast: the piece condition is implied by the text condition, so results never depend on it.
SQLite (the embedded default, a county's size) reads the table as before.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.lookups import DataContains
from django.db import connections, models
from django.db.models import Func, Q, Value
from django.db.models.functions import Substr

INDEX_NAME = "member_name_pieces"
NAME_MAX_LENGTH = 30  # Member.name's max_length (a test keeps the two equal)


class _ArrayOf(Func):
    template = "ARRAY[%(expressions)s]"
    arg_joiner = ", "


def name_pieces(column: str = "name") -> Func:
    """Every character of the name and every pair of neighbours, as text[] (positions past
    the end give empty or one-character pieces, which no search asks for)."""
    return _ArrayOf(
        *(Substr(column, start, 1) for start in range(1, NAME_MAX_LENGTH + 1)),
        *(Substr(column, start, 2) for start in range(1, NAME_MAX_LENGTH)),
        output_field=ArrayField(models.TextField()),
    )


def pieces_index() -> GinIndex:
    return GinIndex(name_pieces(), name=INDEX_NAME)


def search_pieces(text: str) -> list[str]:
    """The pieces a name containing `text` must hold: its pairs, or the one character."""
    if len(text) < 2:
        return [text] if text else []
    return list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))


def name_contains(text: str, *, using: str = "default") -> Q:
    """Members whose name contains `text`; on PostgreSQL answered through the index."""
    condition = Q(name__contains=text)
    if text and connections[using].vendor == "postgresql":
        wanted = Value(search_pieces(text), output_field=ArrayField(models.TextField()))
        condition &= Q(DataContains(name_pieces(), wanted))
    return condition
