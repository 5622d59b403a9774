"""Import/export widgets that speak the data dictionary: Chinese labels and messages.

A widget's clean() raises ValueError with a message for the person who filled the sheet;
the importer puts it after "第N行 [列名]". Cells are read as offices write them: full-width
digits and brackets, stray blanks and invisible characters are normalised
(core.keys.normalise_text) before a cell is compared or parsed; what is stored is always
the canonical value. Names and free text keep their characters.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import widgets

from .cell_escaping import NumberText
from .keys import normalise_key, normalise_text
from .tables import cell_text

YES, NO = "是", "否"
#: what offices write for 是/否 besides the words themselves (compared case-folded)
YES_NO_ALIASES: dict[str, str] = {
    **dict.fromkeys(("√", "✓", "✔", "☑", "Y", "yes", "true", "有"), YES),
    **dict.fromkeys(("×", "✗", "✘", "✕", "N", "no", "false", "无"), NO),
}
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
#: distinct spellings a vocabulary column remembers (a file of garbage must not grow it)
REMEMBERED_SPELLINGS = 1000
#: a cell quoted back in an error message is cut to this many characters: a 1 MB cell must
#: not make a 1 MB message (the admin and the job page store and show every message)
SHOWN_CHARACTERS = 40


def shown(text: str) -> str:
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"


class TextWidget(widgets.Widget):
    def __init__(self, *, required: bool = False, max_length: int | None = None, min_length=0):
        super().__init__(coerce_to_string=True)
        self.required = required
        self.max_length = max_length
        self.min_length = min_length

    def prepare(self, text: str) -> str:
        """The cell's text as it is checked and stored; free text keeps its characters."""
        return text

    def clean(self, value: Any, row=None, **kwargs) -> str:
        text = self.prepare(cell_text(value))
        if not text:
            if self.required:
                raise ValueError(_("必填，不能为空。"))
            return ""
        if self.max_length and len(text) > self.max_length:
            raise ValueError(
                _("不能超过 %(max)d 个字符（现为 %(len)d 个）。")
                % {"max": self.max_length, "len": len(text)}
            )
        if len(text) < self.min_length:
            raise ValueError(_("至少 %(min)d 个字符。") % {"min": self.min_length})
        return text

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return "" if value is None else str(value)


class PatternWidget(TextWidget):
    def __init__(self, pattern: str, message: str, **kwargs):
        super().__init__(**kwargs)
        self.pattern = re.compile(pattern)
        self.message = message

    def prepare(self, text: str) -> str:
        return normalise_text(text)

    def clean(self, value: Any, row=None, **kwargs) -> str:
        text = super().clean(value, row, **kwargs)
        if text and not self.pattern.fullmatch(text):
            raise ValueError(self.message)
        return text


class MobileWidget(PatternWidget):
    def __init__(self, **kwargs):
        super().__init__(
            MOBILE_RE.pattern, _("应为 11 位大陆手机号码（1 开头）。"), max_length=11, **kwargs
        )

    def prepare(self, text: str) -> str:
        # The stored form of a phone key field: no blanks inside (`138 1234 5678`).
        return normalise_key(text, compact=True)


def lookup_key(text: str) -> str:
    """How a cell is compared with labels and aliases: normalised, case-folded (y = Y)."""
    return normalise_text(text).casefold()


class Vocabulary:
    """The canonical labels a cell may name, directly or through an alias.

    Labels and aliases are indexed by their lookup_key, so "工人(工勤技能人员)" finds the
    label "工人（工勤技能人员）"; a lookup always answers the canonical label. `aliases`
    (lookup key → label) is the resource's built-in set, extended with add_aliases().
    """

    def init_vocabulary(self, labels: Iterable[str], aliases: Mapping[str, str] | None) -> None:
        self.labels_by_key: dict[str, str] = {lookup_key(label): label for label in labels}
        self.aliases: dict[str, str] = {}
        #: cell text → its label (or None): a column repeats a few spellings 50,000 times,
        #: and normalising each cell again is most of the cost of reading it
        self._label_of_text: dict[str, str | None] = {}
        if aliases:
            self.add_aliases(aliases)

    def add_aliases(self, mapping: Mapping[str, str]) -> list[str]:
        """Adds `alias → label` pairs and answers the aliases ignored: those whose target
        is no label, and those that already are a label (a label always means itself)."""
        ignored = []
        for alias, target in mapping.items():
            key = lookup_key(str(alias))
            label = self.labels_by_key.get(lookup_key(str(target)))
            if not key or label is None or key in self.labels_by_key:
                ignored.append(str(alias))
                continue
            self.aliases[key] = label
        self._label_of_text.clear()
        return ignored

    def label_for(self, text: str) -> str | None:
        try:
            return self._label_of_text[text]
        except KeyError:
            pass
        key = lookup_key(text)
        label = self.labels_by_key.get(key) or self.aliases.get(key)
        if len(self._label_of_text) < REMEMBERED_SPELLINGS:
            self._label_of_text[text] = label
        return label


class ChoiceWidget(Vocabulary, widgets.Widget):
    """Stores the code of a TextChoices member; the sheet holds its Chinese label, or an
    alias of it (`aliases`: alias text → label, the resource's built-in ones)."""

    def __init__(
        self, choices, *, required: bool = False, aliases: Mapping[str, str] | None = None
    ):
        super().__init__(coerce_to_string=True)
        self.by_label = {str(label): value for value, label in choices}
        self.by_value = {value: str(label) for value, label in choices}
        self.required = required
        self.init_vocabulary(self.by_label, aliases)

    @property
    def allowed(self) -> str:
        return "、".join(self.by_label)

    def clean(self, value: Any, row=None, **kwargs) -> str:
        text = cell_text(value)
        label = self.label_for(text)  # None for a blank cell too: no label is blank
        if label is None and not lookup_key(text):
            if self.required:
                raise ValueError(_("必填，只能填写：%(allowed)s。") % {"allowed": self.allowed})
            return ""
        if label is None:
            raise ValueError(
                _("“%(value)s”不是可选值，只能填写：%(allowed)s。")
                % {"value": shown(text), "allowed": self.allowed}
            )
        return self.by_label[label]

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return self.by_value.get(value, "") if value else ""


class YesNoWidget(Vocabulary, widgets.Widget):
    """是 or 否; also √/×, Y/N and the other YES_NO_ALIASES; blank is 否."""

    def __init__(self, *, aliases: Mapping[str, str] | None = None):
        super().__init__(coerce_to_string=True)
        self.init_vocabulary((YES, NO), YES_NO_ALIASES)
        if aliases:
            self.add_aliases(aliases)

    def clean(self, value: Any, row=None, **kwargs) -> bool:
        text = cell_text(value)
        label = self.label_for(text)  # None for a blank cell too: no label is blank
        if label is None and not lookup_key(text):
            return False
        if label is None:
            raise ValueError(
                _("“%(value)s”无法识别，只能填写“是”或“否”（也可写 √ 或 ×），留空为否。")
                % {"value": shown(text)}
            )
        return label == YES

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return YES if value else NO


# Excel counts days from 1899-12-30 (its day 60, the 1900-02-29 that never was, lies
# before the range); a date column formatted as a number shows that count, e.g. 45356.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
FIRST_SERIAL_DAY = datetime.date(1910, 1, 1)
LAST_SERIAL_DAY = datetime.date(2100, 12, 31)
#: a number of four digits in this range is a year typed alone, not a day count
YEARS_ALONE = range(1900, 2101)
# A time after the date, as Excel's CSV writes a date-time cell ("2013/8/12 0:00"): dropped.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
# ASCII digits only (re.ASCII): other scripts' digits are not dates written here.
_DIGITS = re.compile(r"\d+", re.ASCII)
_YEAR_FIRST = re.compile(r"(\d{4}) ?[-/.] ?(\d{1,2}) ?[-/.] ?(\d{1,2})" + _TIME, re.ASCII)
_CHINESE = re.compile(r"(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?[日号]?" + _TIME, re.ASCII)
# Three numbers without a four-digit year first: 3/5/2026, 05.03.26 – month and day unknown.
_YEAR_NOT_FIRST = re.compile(r"\d{1,2} ?[-/.] ?\d{1,2} ?[-/.] ?\d{1,4}" + _TIME, re.ASCII)
_YEAR_MONTH = re.compile(r"\d{4} ?(?:[-/.]|年) ?\d{1,2} ?月?", re.ASCII)
_YEAR = re.compile(r"\d{4} ?年", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DateWidget(widgets.Widget):
    """A date cell, an Excel day count, or text with the year first: 2026-03-05,
    2026-3-5, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305 (full-width too). Month and day
    are never guessed: 3/5/2026 is refused."""

    def __init__(self, *, required: bool = False, not_future: bool = False):
        super().__init__(coerce_to_string=True)
        self.required = required
        self.not_future = not_future

    def clean(self, value: Any, row=None, **kwargs) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            day = self.from_number(value, cell_text(value))
        elif value.__class__ is str and _ISO_DATE.fullmatch(value):
            # The template's own form (nearly every cell of a real file): the text is its
            # own normalised form, so the general path below would give the same date.
            day = _make_date(int(value[:4]), int(value[5:7]), int(value[8:]), value)
        else:
            text = cell_text(value)
            key = normalise_text(text)
            if not key:
                if self.required:
                    raise ValueError(_("必填，格式为 YYYY-MM-DD。"))
                return None
            day = self.from_text(key, text)
        if self.not_future and day > timezone.localdate():
            raise ValueError(_("不能晚于今天。"))
        return day

    def from_text(self, key: str, text: str) -> datetime.date:
        """`key` (the normalised `text`) as a date; messages quote `text` as written."""
        digits = _DIGITS.fullmatch(key)
        if digits and len(key) == 8:
            year, month, day = int(key[:4]), int(key[4:6]), int(key[6:])
            if not _is_date(year, month, day) and int(key[4:]) in YEARS_ALONE:
                raise ValueError(_ambiguous(text))  # 05032026
            return _make_date(year, month, day, text)
        if digits and len(key) <= 5:
            return self.from_number(int(key), text)
        for pattern in (_YEAR_FIRST, _CHINESE):
            match = pattern.fullmatch(key)
            if match:
                return _make_date(*map(int, match.groups()), text)
        if _YEAR_NOT_FIRST.fullmatch(key):
            raise ValueError(_ambiguous(text))
        if _YEAR.fullmatch(key):
            raise ValueError(_year_alone())
        if _YEAR_MONTH.fullmatch(key):
            raise ValueError(
                _("“%(value)s”只有年和月，请填写完整日期（如 2026-03-05）。")
                % {"value": shown(text)}
            )
        raise ValueError(_invalid(text))

    def from_number(self, number: int | float | Decimal, text: str) -> datetime.date:
        """An Excel day count (a fraction is the time of day), or a year typed alone."""
        finite = number.is_finite() if isinstance(number, Decimal) else math.isfinite(number)
        if not finite or number < 0:
            raise ValueError(_invalid(text))
        whole = int(number)
        if whole == number and whole in YEARS_ALONE:
            raise ValueError(_year_alone())
        first = (FIRST_SERIAL_DAY - EXCEL_EPOCH).days
        last = (LAST_SERIAL_DAY - EXCEL_EPOCH).days
        if not first <= whole <= last:
            raise ValueError(_invalid(text))
        return EXCEL_EPOCH + datetime.timedelta(days=whole)

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return value.isoformat() if value else ""


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _make_date(year: int, month: int, day: int, text: str) -> datetime.date:
    if not 1 <= month <= 12:
        raise ValueError(_("“%(value)s”不是有效日期：月份应为 1–12。") % {"value": shown(text)})
    if not _is_date(year, month, day):
        raise ValueError(
            _("“%(value)s”不是有效日期：%(year)d年%(month)d月没有%(day)d日。")
            % {"value": shown(text), "year": year, "month": month, "day": day}
        )
    return datetime.date(year, month, day)


def _year_alone() -> str:
    return _("只有年份，请填写完整日期（如 2026-03-05）。")


def _ambiguous(text: str) -> str:
    return _("“%(value)s”无法确定月和日的顺序，请按“年-月-日”填写，如 2026-03-05。") % {
        "value": shown(text)
    }


def _invalid(text: str) -> str:
    return _("“%(value)s”不是有效日期，格式应为 YYYY-MM-DD（也可写 2026/3/5、2026年3月5日）。") % {
        "value": shown(text)
    }


class IntegerWidget(widgets.Widget):
    def __init__(self, *, required: bool = False, allowed: tuple[int, ...] | None = None):
        super().__init__(coerce_to_string=True)
        self.required = required
        self.allowed = allowed

    def clean(self, value: Any, row=None, **kwargs) -> int | None:
        text = normalise_text(cell_text(value))
        if not text:
            if self.required:
                raise ValueError(_("必填。"))
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s”不是整数。") % {"value": shown(text)}) from None
        if number != number.to_integral_value():
            raise ValueError(_("应为整数。"))
        result = int(number)
        if self.allowed and result not in self.allowed:
            raise ValueError(
                _("只能填写 %(allowed)s。") % {"allowed": " 或 ".join(map(str, self.allowed))}
            )
        return result

    def render(self, value: Any, obj=None, **kwargs) -> str:
        # Marked as a number: the export's formula escaping leaves "-3" alone.
        return "" if value is None else NumberText(value)


class DecimalWidget(widgets.Widget):
    """An amount: a number with at most `places` decimals, at least `min_value`
    (`exclusive_min` for "> 0"). Excel number cells and text both work."""

    def __init__(
        self,
        *,
        required: bool = False,
        places: int = 2,
        min_value: Decimal | None = Decimal("0"),
        exclusive_min: bool = False,
    ):
        super().__init__(coerce_to_string=True)
        self.required = required
        self.places = places
        self.min_value = min_value
        self.exclusive_min = exclusive_min

    def clean(self, value: Any, row=None, **kwargs) -> Decimal | None:
        if isinstance(value, float):
            # A float cell such as 0.1 + 0.2: round to what Excel shows, 10 significant
            # places are far more than any amount here has.
            value = repr(round(value, 10))
        # NFKC makes the full-width "，" a ",": thousands separators either way.
        text = normalise_text(cell_text(value)).replace(",", "")
        if not text:
            if self.required:
                raise ValueError(_("必填。"))
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s”不是数字。") % {"value": shown(text)}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s”不是数字。") % {"value": shown(text)})
        if number.adjusted() >= 12:
            # Far beyond any amount here, and beyond what quantize() can represent.
            raise ValueError(_("“%(value)s”数值过大。") % {"value": shown(text)})
        if number != number.quantize(Decimal(1).scaleb(-self.places)):
            raise ValueError(_("最多 %(n)d 位小数。") % {"n": self.places})
        if self.min_value is not None:
            if self.exclusive_min and number <= self.min_value:
                raise ValueError(_("应大于 %(min)s。") % {"min": self.min_value})
            if not self.exclusive_min and number < self.min_value:
                raise ValueError(_("不能小于 %(min)s。") % {"min": self.min_value})
        return number.quantize(Decimal(1).scaleb(-self.places))

    def render(self, value: Any, obj=None, **kwargs) -> str:
        # Marked as a number: the export's formula escaping leaves "-5.00" alone.
        return "" if value is None else NumberText(f"{value:.{self.places}f}")
