"""Personal data encrypted at rest: ID numbers and phones are stored as ciphertext.

Deterministic authenticated encryption (AES-SIV, RFC 5297, from `cryptography`): the same
number under the same key always gives the same ciphertext, so the database can still
answer "is this number here" (exact lookups, `IN`, the unique constraint) without ever
holding the number itself. That equality is all it reveals, which is exactly what a keyed
hash kept for matching would reveal — and unlike a hash, the value can be read back by the
portal for those allowed to see it. Anything else (contains, prefixes, ordering) cannot be
asked of ciphertext: the fields refuse those lookups, and searches use the stored head and
tail that a mask shows anyway (`DerivedSliceField`).

Keys: `settings.PERSONAL_DATA_KEYS`, base64 of 64 random bytes each; the first encrypts,
all decrypt. Stored values read `enc1:<key id>:<base64>`, so a value says which key it
needs. Rotation: put the new key first, keep the old ones after it, run
`manage.py rotate_personal_data_key` (every value re-encrypted under the first key), then
drop the old keys. Lookups use the first key only, so run the rotation right after the
new key is deployed (docs/security-notes.md).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .keys import KeyField

PREFIX = "enc1:"
KEY_BYTES = 64  # AES-256-SIV
# "enc1:" + 8-character key id + ":" + base64 of (16-byte tag + the value)
STORED_LENGTH = 128
ALLOWED_LOOKUPS = frozenset({"exact", "in", "isnull"})


class KeyringError(ImproperlyConfigured):
    pass


def key_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:8]


def parse_key(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(
            "PERSONAL_DATA_KEYS: 密钥不是有效的 base64 / a key is not base64"
        ) from None
    if len(raw) != KEY_BYTES:
        raise KeyringError(
            f"PERSONAL_DATA_KEYS: 每个密钥应为 {KEY_BYTES} 字节 / each key must be {KEY_BYTES} "
            f"bytes (got {len(raw)})"
        )
    return raw


@functools.cache
def _keyring(keys: tuple[str, ...]) -> tuple[tuple[str, AESSIV], ...]:
    if not keys:
        raise KeyringError(
            "PERSONAL_DATA_KEYS 未设置：身份证号码和电话加密存储，需要密钥 / "
            "PERSONAL_DATA_KEYS is not set (python -c 'import base64,os; "
            "print(base64.b64encode(os.urandom(64)).decode())')"
        )
    return tuple((key_id(raw), AESSIV(raw)) for raw in map(parse_key, keys))


def keyring() -> tuple[tuple[str, AESSIV], ...]:
    keys = tuple(settings.PERSONAL_DATA_KEYS or ())
    if not keys and settings.PERSONAL_DATA_DEV_KEY_FILE:
        keys = (development_key(Path(settings.PERSONAL_DATA_DEV_KEY_FILE)),)
    return _keyring(keys)


@functools.cache
def development_key(path: Path) -> str:
    """The embedded run's own key, made once beside the SQLite database so that `make
    run` needs no set-up; production sets no file and refuses to start without keys.

    Read once per process: reading the file at every encryption cost 20 µs a value (4 s
    of a 50,000-member import). `make reset-db`, which deletes it, also needs a restart."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = base64.b64encode(os.urandom(KEY_BYTES)).decode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
        return key


def encrypt(text: str) -> str:
    kid, cipher = keyring()[0]
    token = base64.urlsafe_b64encode(cipher.encrypt(text.encode(), None)).decode()
    return f"{PREFIX}{kid}:{token}"


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def decrypt(value: str) -> str:
    """The plain text of a stored value; a value written before encryption (no prefix)
    is returned as it is, so a database can be converted row by row."""
    if not is_encrypted(value):
        return value
    kid, _sep, token = value[len(PREFIX) :].partition(":")
    for candidate, cipher in keyring():
        if candidate == kid:
            return cipher.decrypt(base64.urlsafe_b64decode(token), None).decode()
    raise KeyringError(
        f"缺少密钥 {kid}：请把旧密钥保留在 PERSONAL_DATA_KEYS 中 / "
        f"key {kid} is not in PERSONAL_DATA_KEYS"
    )


def current_key_id() -> str:
    return keyring()[0][0]


class EncryptedKeyField(KeyField):
    """A key field (normalised as `KeyField`) whose column holds AES-SIV ciphertext.

    In Python the value is the plain text (forms, validation, masking and exports work
    unchanged); it is encrypted when sent to the database — saves and lookups alike — and
    decrypted when read, `values_list` included. Only equality lookups are allowed.
    """

    def db_type(self, connection) -> str:
        # The column holds the ciphertext; max_length stays the plain value's limit.
        return models.CharField(max_length=STORED_LENGTH).db_type(connection)

    def cast_db_type(self, connection) -> str:
        return self.db_type(connection)

    def get_lookup(self, lookup_name: str):
        if lookup_name not in ALLOWED_LOOKUPS:
            return None  # FieldError: ciphertext cannot answer it
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str):
        return None

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value) if value else value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and is_encrypted(value):
            value = decrypt(value)
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if isinstance(value, str) and value and not is_encrypted(value):
            return encrypt(value)
        return value


class DerivedSliceField(models.CharField):
    """Part of another field's plain value, stored in the clear because the mask shows it
    (the first four and last four characters of an ID number): it answers the searches
    that ciphertext cannot. Filled on every save, bulk_create included."""

    def __init__(self, *args: Any, source: str = "", start: int = 0, stop: int | None = None, **kw):
        self.source, self.start, self.stop = source, start, stop
        kw.setdefault("editable", False)
        kw.setdefault("blank", True)
        kw.setdefault("default", "")
        super().__init__(*args, **kw)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, start=self.start, stop=self.stop)
        kwargs.pop("editable", None)
        kwargs.pop("blank", None)
        kwargs.pop("default", None)
        return name, path, args, kwargs

    def slice_of(self, instance: models.Model) -> str:
        text = getattr(instance, self.source) or ""
        source = instance._meta.get_field(self.source)
        if isinstance(source, KeyField):
            text = source.normalise(text)
        return text[self.start : self.stop]

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.slice_of(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def reencrypt(model: type[models.Model], *, chunk: int = 2000) -> int:
    """Write every row's encrypted fields again under the current key (and its derived
    slices): converts plain values written before encryption, and completes a key
    rotation. Returns the number of rows written. Used by migrations and
    `rotate_personal_data_key`; run it inside a transaction."""
    fields = [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedKeyField | DerivedSliceField)
    ]
    if not fields:
        return 0
    pk = model._meta.pk.name
    written, last = 0, None
    while True:
        rows = model._default_manager.order_by(pk).only(pk, *fields)
        if last is not None:
            rows = rows.filter(**{f"{pk}__gt": last})
        batch = list(rows[:chunk])
        if not batch:
            return written
        for row in batch:
            for field in model._meta.concrete_fields:
                if isinstance(field, DerivedSliceField):
                    setattr(row, field.attname, field.slice_of(row))
        model._default_manager.bulk_update(batch, fields)
        written += len(batch)
        last = getattr(batch[-1], pk)
