"""Totals of big lists, cached until the tables behind them change.

COUNT(*) of a city's 500,000 members costs 75–100 ms on PostgreSQL on every page of the
roster, more than the rest of the page; under load it was what kept the member pages over
their target (benchmarks/README.md). The page rows themselves are always read fresh; only
the total ("共 N 名党员", and so the number of pages) is taken from the cache.

A total is cached under its count query's SQL and parameters (so under the user's scope and
filters) and the current *generation* of every table it reads. Any write to such a table
gives it a new generation, once when it happens and again when its transaction commits (a
total counted meanwhile, from the old rows, is then filed under a generation nobody asks
for again). Writes through the ORM are seen by `track`ed models' signals; bulk writes, which
send none, call `bump` themselves. `COUNT_CACHE_SECONDS` bounds what a write that reaches
the database some other way (raw SQL, a restore) can leave stale.

Only with a shared cache (Redis): with per-process memory a write in one worker could not
reach the others' totals, so the embedded default counts every time.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.functional import cached_property

GENERATION_KEY = "count-generation:{}"
TOTAL_KEY = "count:{}"


def _generation_key(model: type[models.Model]) -> str:
    return GENERATION_KEY.format(model._meta.label_lower)


def _new_generations(models_: Iterable[type[models.Model]]) -> None:
    cache.set_many({_generation_key(model): uuid.uuid4().hex for model in models_}, None)


def bump(*models_: type[models.Model]) -> None:
    """Totals counted over these tables are outdated: now, and again at commit."""
    if not settings.COUNT_CACHE_SECONDS:
        return
    _new_generations(models_)
    transaction.on_commit(lambda: _new_generations(models_))


def track(model: type[models.Model]) -> None:
    """Every save or delete of `model` through the ORM outdates the totals over it."""

    def changed(sender, **kwargs) -> None:
        bump(model)

    uid = f"counting:{model._meta.label_lower}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)


def generations(models_: Iterable[type[models.Model]]) -> list[str]:
    keys = [_generation_key(model) for model in models_]
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        # First use, or the cache was emptied: start a generation (another process may
        # have just done the same; add() keeps whichever came first).
        for key, token in missing.items():
            if not cache.add(key, token, None):
                token = cache.get(key) or token
            found[key] = token
    return [found[key] for key in keys]


class CachedCountPaginator(Paginator):
    """Django's Paginator whose total comes from the cache while the tables of
    `depends_on` are unchanged (the models the count query reads: the list's own and those
    its scope and filters join)."""

    def __init__(self, object_list, per_page, *, depends_on: Iterable[type[models.Model]], **kw):
        super().__init__(object_list, per_page, **kw)
        self.depends_on = list(depends_on)

    @cached_property
    def count(self) -> int:
        seconds = settings.COUNT_CACHE_SECONDS
        if not seconds:
            return super().count
        query = self.object_list.order_by().query
        try:
            sql, params = query.get_compiler(self.object_list.db).as_sql()
        except EmptyResultSet:  # e.g. pk__in=[]: nothing to count, nothing to keep
            return super().count
        digest = hashlib.sha256(
            repr((sql, params, generations(self.depends_on))).encode()
        ).hexdigest()
        key = TOTAL_KEY.format(digest)
        total = cache.get(key)
        if total is None:
            total = super().count
            cache.set(key, total, seconds)
        return total
