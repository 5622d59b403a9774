"""Citizen ID numbers (GB 11643-1999) and the masking of personal data.

The 18th character is a checksum over the first 17 (ISO 7064 MOD 11-2); characters 7–14 are
the birth date and the 17th is odd for men, even for women.
"""

from __future__ import annotations

import datetime
import functools
import re

from django.utils.translation import gettext as _

from core.keys import MASK_CHARACTER, normalise_key

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
# ASCII digits only: `\d` would also take Arabic-Indic and other scripts' digits.
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


class InvalidIdNumber(ValueError):
    """The text is not a valid citizen ID number; the message says why, in Chinese."""


def check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CODES[total % 11]


def normalise_id_number(value: str) -> str:
    """The stored and compared form: full-width digits made ASCII, blanks and invisible
    characters dropped, `x` upper-cased (core/keys.py, as every key field)."""
    return normalise_key(value, upper=True, compact=True)


# Pure, and an import asks it several times per row (key loading, the widget, lookups);
# a refused number raises, which lru_cache does not remember.
@functools.lru_cache(maxsize=65536)
def validate_id_number(value: str) -> str:
    """The normalised number, or InvalidIdNumber naming what is wrong."""
    number = normalise_id_number(value)
    if len(number) != 18:
        raise InvalidIdNumber(
            _("应为 18 位（现为 %(len)d 位）；15 位旧号码请换成 18 位新号码。")
            % {"len": len(number)}
        )
    if not _ID_RE.match(number):
        raise InvalidIdNumber(_("前 17 位应为数字 0–9，最后一位为数字或 X。"))
    if check_character(number[:17]) != number[17]:
        raise InvalidIdNumber(_("校验位不正确，请核对号码是否抄错。"))
    try:
        birth_date_from_id(number)
    except ValueError:
        raise InvalidIdNumber(_("第 7–14 位不是有效的出生日期。")) from None
    return number


def birth_date_from_id(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_from_id(number: str) -> str:
    """ "M" or "F" (the Gender codes)."""
    return "M" if int(number[16]) % 2 else "F"


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole years completed on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def mask_id_number(number: str) -> str:
    """`5134**********123X`: the region's first four and the last four stay readable."""
    if not number:
        return ""
    if len(number) <= 8:
        return MASK_CHARACTER * len(number)
    return number[:4] + MASK_CHARACTER * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """`138****5678`."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return MASK_CHARACTER * len(phone)
    return phone[:3] + MASK_CHARACTER * (len(phone) - 7) + phone[-4:]
