"""Inserting many new rows, with their history rows, faster than Django's bulk_create.

`bulk_create` (and simple_history's `bulk_create_with_history` on top of it) prepares every
value through the field's generic path — pre_save, get_db_prep_save, the compiler's
placeholders — about 10 µs a value: for 50,000 members of 23 columns and their history rows
that is most of an import. Here each column gets its converter once per call: plain columns
are read as they are, auto_now timestamps are one value per call, and only fields with
logic of their own (encrypted keys, derived slices, anything unknown) take the generic
path. The history row of each new row is built from the values already prepared for it
(the same ciphertext, the same timestamps), as simple_history's bulk_history_create would
build it: history_type "+", the acting user, the change reason, one history_date.

On SQLite (≥ 3.35) the rows are written with multi-row `INSERT … RETURNING pk`, as many rows
a statement as the parameter limit allows, so the instances get their primary keys as with
bulk_create. On PostgreSQL Django's own bulk_create is already fast (UNNEST arrays), and
`bulk_create_with_history` is used as it is; so it is for a model whose fields or history
this module does not know.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from django.db import connections, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

#: history columns simple_history fills itself; every other one copies the tracked field
HISTORY_OWN = ("history_id", "history_date", "history_change_reason", "history_type")
HISTORY_USER = "history_user_id"
#: fields whose database value is the Python value (widgets and defaults give the type)
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
)
#: rows per INSERT statement at most
ROWS_PER_STATEMENT = 1000

Converter = Callable[[models.Model], Any]


def _converter(field: models.Field, connection, now) -> Converter:
    """How one column's database value is read off an instance being inserted."""
    kind = type(field)  # exact types: a subclass may prepare its value (KeyField …)
    get = attrgetter(field.attname)
    if kind in PLAIN_FIELDS:
        return get
    if kind is models.DateField and not (field.auto_now or field.auto_now_add):
        adapt = connection.ops.adapt_datefield_value
        return lambda obj: adapt(get(obj))
    if kind is models.DateTimeField and (field.auto_now or field.auto_now_add):
        prepared = field.get_db_prep_save(now, connection)
        attname = field.attname

        def stamp(obj):
            setattr(obj, attname, now)  # what pre_save does, with one time for all rows
            return prepared

        return stamp
    if kind is models.ForeignKey and type(field.target_field) in (
        models.AutoField,
        models.BigAutoField,
    ):
        return get
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def _rows_per_statement(connection, columns: int) -> int:
    # SQLite's compiled-in limit (32,766 since 3.32), not Django's cautious 999.
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(ROWS_PER_STATEMENT, limit // columns))


def _insert_returning(connection, table: str, columns: Sequence[str], pk: str, rows: list):
    """INSERT `rows` (tuples) in statements of as many rows as the parameters allow;
    the primary keys created, in the order of `rows` (as Django's bulk_create relies on)."""
    qn = connection.ops.quote_name
    step = _rows_per_statement(connection, len(columns))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Names from the model's _meta, quoted; every value is a parameter.
    head = f"INSERT INTO {qn(table)} ({', '.join(map(qn, columns))}) VALUES "  # noqa: S608
    keys: list[Any] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            sql = head + ", ".join([one] * len(chunk))
            if pk:
                sql += f" RETURNING {qn(pk)}"
            cursor.execute(sql, [value for row in chunk for value in row])
            if pk:
                keys.extend(r[0] for r in cursor.fetchall())
    return keys


def _history_layout(model, fields: list[models.Field]) -> list[str] | None:
    """The history table's columns, or None when it holds something not known here."""
    history_model = get_history_manager_for_model(model).model
    copied = {f.attname for f in fields} | {model._meta.pk.attname}
    columns = []
    for field in history_model._meta.concrete_fields:
        if field.attname in copied or field.attname in HISTORY_OWN or field.attname == HISTORY_USER:
            columns.append(field.attname)
            continue
        return None  # custom history fields (history_relation …): simple_history's way
    return columns


def fast_insert_supported(model) -> bool:
    connection = connections[models.QuerySet(model).db]
    pk = model._meta.pk
    return (
        # On PostgreSQL, Django 5.2's bulk_create sends a column's values as one array
        # (INSERT … SELECT FROM UNNEST), which psycopg binds faster than anything built
        # here: measured, multi-row VALUES and executemany both cost more client time.
        connection.vendor == "sqlite"
        and connection.features.can_return_rows_from_bulk_insert
        and type(pk) in (models.AutoField, models.BigAutoField)
        and not model._meta.parents
    )


def create_with_history(
    instances: list[models.Model],
    model: type[models.Model],
    *,
    user: Any,
    change_reason: str,
    with_history: bool = True,
    batch_size: int | None = None,
) -> None:
    """Insert `instances` (new, unsaved) and, with `with_history`, one "+" history row each.

    Both in the caller's transaction. Falls back to bulk_create_with_history for a model
    this module does not know how to write."""
    if not instances:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    history_columns = _history_layout(model, fields) if with_history else []
    if not fast_insert_supported(model) or history_columns is None:
        if with_history:
            bulk_create_with_history(
                instances,
                model,
                batch_size=batch_size,
                default_user=user,
                default_change_reason=change_reason,
            )
        else:
            model._default_manager.bulk_create(instances, batch_size=batch_size)
        return
    using = models.QuerySet(model).db
    connection = connections[using]
    now = timezone.now()
    converters = [_converter(f, connection, now) for f in fields]
    rows = [tuple([convert(obj) for convert in converters]) for obj in instances]
    pk = model._meta.pk
    keys = _insert_returning(
        connection, model._meta.db_table, [f.column for f in fields], pk.column, rows
    )
    for obj, key in zip(instances, keys, strict=True):
        setattr(obj, pk.attname, key)
        obj._state.adding = False
        obj._state.db = using
    if not with_history:
        return
    history_model = get_history_manager_for_model(model).model
    index = {f.attname: i for i, f in enumerate(fields)}
    user_id = getattr(user, "pk", None)
    own = {
        "history_date": history_model._meta.get_field("history_date").get_db_prep_save(
            now, connection
        ),
        "history_change_reason": change_reason,
        "history_type": "+",
        HISTORY_USER: user_id,
    }
    layout = [(c, index.get(c)) for c in history_columns if c != "history_id"]
    pk_attname = pk.attname
    history_rows = [
        tuple(
            key if column == pk_attname else row[i] if i is not None else own[column]
            for column, i in layout
        )
        for row, key in zip(rows, keys, strict=True)
    ]
    history_field_columns = [history_model._meta.get_field(c).column for c, _i in layout]
    _insert_returning(
        connection, history_model._meta.db_table, history_field_columns, "", history_rows
    )
