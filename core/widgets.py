"""Import/export widgets that speak the data dictionary: Chinese labels and messages.

A widget's clean() raises ValueError with a message for the person who filled the sheet;
the importer puts it after "第N行 [列名]".
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from import_export import widgets

from .cell_escaping import NumberText
from .tables import cell_text

YES, NO = "是", "否"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
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

    def clean(self, value: Any, row=None, **kwargs) -> str:
        text = cell_text(value)
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


class ChoiceWidget(widgets.Widget):
    """Stores the code of a TextChoices member; the sheet holds its Chinese label."""

    def __init__(self, choices, *, required: bool = False):
        super().__init__(coerce_to_string=True)
        self.by_label = {str(label): value for value, label in choices}
        self.by_value = {value: str(label) for value, label in choices}
        self.required = required

    @property
    def allowed(self) -> str:
        return "、".join(self.by_label)

    def clean(self, value: Any, row=None, **kwargs) -> str:
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(_("必填，只能填写：%(allowed)s。") % {"allowed": self.allowed})
            return ""
        if text not in self.by_label:
            raise ValueError(
                _("“%(value)s”不是可选值，只能填写：%(allowed)s。")
                % {"value": shown(text), "allowed": self.allowed}
            )
        return self.by_label[text]

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return self.by_value.get(value, "") if value else ""


class YesNoWidget(widgets.Widget):
    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value: Any, row=None, **kwargs) -> bool:
        text = cell_text(value)
        if text in ("", NO):
            return False
        if text == YES:
            return True
        raise ValueError(_("只能填写“是”或“否”。"))

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return YES if value else NO


class DateWidget(widgets.Widget):
    """YYYY-MM-DD text or an Excel date cell."""

    def __init__(self, *, required: bool = False, not_future: bool = False):
        super().__init__(coerce_to_string=True)
        self.required = required
        self.not_future = not_future

    def clean(self, value: Any, row=None, **kwargs) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        else:
            text = cell_text(value)
            if not text:
                if self.required:
                    raise ValueError(_("必填，格式为 YYYY-MM-DD。"))
                return None
            try:
                day = datetime.date.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    _("“%(value)s”不是有效日期，格式应为 YYYY-MM-DD。") % {"value": shown(text)}
                ) from None
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(_("“%(value)s”格式应为 YYYY-MM-DD。") % {"value": shown(text)})
        if self.not_future:
            from django.utils import timezone

            if day > timezone.localdate():
                raise ValueError(_("不能晚于今天。"))
        return day

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return value.isoformat() if value else ""


class IntegerWidget(widgets.Widget):
    def __init__(self, *, required: bool = False, allowed: tuple[int, ...] | None = None):
        super().__init__(coerce_to_string=True)
        self.required = required
        self.allowed = allowed

    def clean(self, value: Any, row=None, **kwargs) -> int | None:
        text = cell_text(value)
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
        text = cell_text(value).replace(",", "").replace("，", "")
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
