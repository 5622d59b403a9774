"""Key fields (ID numbers, phones, organisation and fund codes) and import cells in one
written form.

A key decides whether two rows are the same person or the same organisation, so every
way in — the portal's forms, the admin, the importers and lookups — must compare the same
text. `５１３４…` typed on a Chinese keyboard's full-width mode, a zero-width space pasted
from a chat, or a trailing blank would otherwise make a second record of the same person.

NFKC turns full-width letters and digits into ASCII; control and format characters
(zero-width spaces, bidi marks) are dropped; surrounding blanks are trimmed. Digits of
other scripts (Arabic-Indic …) are left as they are for the field's validator to refuse:
validators of key fields accept ASCII digits only.

`normalise_text` does the same for an import cell compared with a vocabulary or parsed as
a date or number, except that blanks inside are kept (collapsed to one): "2026年 3月 5日".
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.db import models

_INVISIBLE = frozenset({"Cc", "Cf"})
#: what a masked export writes in place of hidden characters (`5134**********123X`)
MASK_CHARACTER = "*"
#: marks of a masked value in a file: ours, and the look-alikes other systems write
#: (NFKC already makes the full-width "＊" an ASCII "*")
MASK_CHARACTERS = frozenset({MASK_CHARACTER, "∗", "●", "•"})


def _visible(value: str, *, keep_blanks: bool = False) -> str:
    """NFKC form without control and format characters; `keep_blanks` keeps the control
    characters that are blanks (tab, line breaks) for the caller to treat as blanks."""
    if value.isascii() and value.isprintable():
        return value  # NFKC leaves printable ASCII as it is, and none of it is invisible
    text = unicodedata.normalize("NFKC", value)
    if any(unicodedata.category(ch) in _INVISIBLE for ch in text):
        text = "".join(
            ch
            for ch in text
            if unicodedata.category(ch) not in _INVISIBLE or (keep_blanks and ch.isspace())
        )
    return text


def normalise_key(value: str, *, upper: bool = False, compact: bool = False) -> str:
    """`value` as it is stored and compared.

    `upper`: letters upper-cased (the X of an ID number). `compact`: blanks inside removed
    too (`138 1234 5678`), for numbers that never hold one.
    """
    text = _visible(value)
    text = "".join(text.split()) if compact else text.strip()
    return text.upper() if upper else text


def is_masked(value: str) -> bool:
    """Whether a key cell is a masked value (`5134**********1234`), not a mistyped one."""
    return any(ch in MASK_CHARACTERS for ch in normalise_key(value))


def normalise_text(value: str) -> str:
    """A cell as widgets compare and parse it: NFKC (full-width digits, letters, brackets
    and the ideographic space become ASCII), invisible characters dropped, every run of
    blanks made one space, trimmed."""
    return " ".join(_visible(value, keep_blanks=True).split())


class KeyFormField(forms.CharField):
    def __init__(self, *, upper: bool = False, compact: bool = False, **kwargs: Any) -> None:
        self.upper, self.compact = upper, compact
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return normalise_key(text, upper=self.upper, compact=self.compact) if text else text


class KeyField(models.CharField):
    """A CharField whose value is normalised by `normalise_key` on every way in: form
    cleaning, Model.full_clean (which forms, the admin and the importers run), saving and
    lookups — so `filter(id_number="５１…")` finds the stored `51…`."""

    def __init__(self, *args: Any, upper: bool = False, compact: bool = False, **kwargs: Any):
        self.upper, self.compact = upper, compact
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.upper:
            kwargs["upper"] = True
        if self.compact:
            kwargs["compact"] = True
        return name, path, args, kwargs

    def normalise(self, value: Any) -> Any:
        if isinstance(value, str) and value:
            return normalise_key(value, upper=self.upper, compact=self.compact)
        return value

    def to_python(self, value: Any) -> Any:
        return self.normalise(super().to_python(value))

    def get_prep_value(self, value: Any) -> Any:
        return self.normalise(super().get_prep_value(value))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.normalise(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs: Any) -> forms.Field:
        defaults: dict[str, Any] = {
            "form_class": KeyFormField,
            "upper": self.upper,
            "compact": self.compact,
        }
        if self.choices:
            defaults = {}
        return super().formfield(**{**defaults, **kwargs})
