"""Initial passwords: random, and easy to read off a printed slip and type on a phone.

Four groups of four lowercase letters and digits, joined by hyphens ("k7mq-x3ht-9pwa-4nfd"):
the alphabet leaves out what is misread on paper (0/o, 1/l/i), so 31 symbols and 16 draws
give about 79 bits, far beyond what the login throttle lets anyone try. The user replaces
it at the first sign-in. Each password is checked by the project's validators
(AUTH_PASSWORD_VALIDATORS) for the account it is meant for and drawn again in the
unlikely case one refuses it (e.g. it resembles the user name).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from ..models import User

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS = 4
GROUP_LENGTH = 4
#: drawing again this often without a password the validators accept means a validator
#: that refuses every password of this shape: a configuration error, not bad luck
MAX_DRAWS = 20
#: password hashing (PBKDF2, ~0.5 s each on the 2-core target) releases the GIL: a bulk
#: creation hashes on this many threads
HASH_THREADS = 4


def random_password() -> str:
    return "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )


def initial_password(user: User) -> str:
    """A random password the validators accept for `user`."""
    error: ValidationError | None = None
    for _ in range(MAX_DRAWS):
        password = random_password()
        try:
            validate_password(password, user)
        except ValidationError as exc:
            error = exc
            continue
        return password
    raise ValidationError(error.messages if error else [])


def hashed(passwords: Iterable[str]) -> list[str]:
    """The stored form of each password, computed in parallel (a bulk creation would
    otherwise spend most of its request hashing one password after the other)."""
    passwords = list(passwords)
    if len(passwords) < 2:
        return [make_password(p) for p in passwords]
    with ThreadPoolExecutor(max_workers=min(HASH_THREADS, len(passwords))) as pool:
        return list(pool.map(make_password, passwords))
