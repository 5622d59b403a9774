"""A short-lived, per-user store for what a creation or reset shows after its request:
the slips' PDFs (holding initial passwords) and the summary of a batch (without them).

Decision (docs/decisions.md): the cache, under a random key, for SLIP_SECONDS; a PDF is
deleted when it is downloaded, and only the user who made it can download it. Passwords
are never written to the database; the cache holds them only inside the PDF and only
until it is downloaded or expires. With several web processes the cache must be shared
(Redis, as in production); the embedded run is one process.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

SLIP_SECONDS = 10 * 60
PREFIX = "accounts:kept:"


@dataclass(frozen=True)
class KeptFile:
    filename: str
    content: bytes


def _keep(user: Any, kind: str, value: Any) -> str | None:
    """Store `value` for `user`; its key, or None when the cache did not keep it (Redis
    down: the TolerantRedisCache fails soft, so the write is read back)."""
    key = secrets.token_urlsafe(24)
    entry = {"user_id": user.pk, "kind": kind, "value": value}
    cache.set(PREFIX + key, entry, SLIP_SECONDS)
    return key if cache.get(PREFIX + key) is not None else None


def _read(user: Any, kind: str, key: str) -> Any:
    if not key or len(key) > 64:
        return None
    entry = cache.get(PREFIX + key)
    if not isinstance(entry, dict) or entry.get("kind") != kind:
        return None
    # Another user's key is answered like an unknown one.
    if entry.get("user_id") != getattr(user, "pk", None):
        return None
    return entry["value"]


def keep_file(user: Any, filename: str, content: bytes) -> str | None:
    return _keep(user, "file", {"filename": filename, "content": content})


def take_file(user: Any, key: str) -> KeptFile | None:
    """The file, removed from the store: a slip is handed out once."""
    value = _read(user, "file", key)
    if value is None:
        return None
    cache.delete(PREFIX + key)
    return KeptFile(value["filename"], value["content"])


def file_waiting(user: Any, key: str) -> bool:
    return _read(user, "file", key) is not None


def keep_summary(user: Any, summary: dict[str, Any]) -> str | None:
    return _keep(user, "summary", summary)


def read_summary(user: Any, key: str) -> dict[str, Any] | None:
    return _read(user, "summary", key)
