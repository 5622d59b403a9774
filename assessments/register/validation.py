"""The checks of a register entry, shared by the services and the page and admin forms so
that both say the same: what is missing or wrong in an entry's facts, and in the date of
a close or a follow-up check."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from orgs.models import Organization

from ..choices import WeakLaxSituation
from ..models import FIRST_YEAR, WeakLaxEntry
from .selectors import registered_on

RESPONSIBLE_MAX = 30  # WeakLaxEntry.responsible_person

# Messages for a missing value, shared with the page forms so that both say the same.
REQUIRED = {
    "organization": _lazy("请选择党组织。"),
    "year": _lazy("请填写年度。"),
    "situations": _lazy("请至少选择一种存在情形。"),
    "measures": _lazy("请填写整顿措施。"),
    "responsible_person": _lazy("请填写责任人。"),
    "deadline": _lazy("请填写整顿期限。"),
    "on": _lazy("请填写日期。"),
    "note": _lazy("请填写销号说明（整改成效）。"),
    "result": _lazy("请填写回头看结果。"),
    "passed": _lazy("请选择回头看结论。"),
}


def clean_situations(situations: Any) -> list[str]:
    """The codes in the vocabulary's order, each once."""
    chosen = set(situations or [])
    return [code for code in WeakLaxSituation.values if code in chosen]


def entry_errors(
    *,
    organization: Organization | None,
    year: int | None,
    situations: list[str],
    measures: str,
    responsible_person: str,
    deadline: datetime.date | None,
    entry: WeakLaxEntry | None = None,
) -> dict[str, list[str]]:
    """What is wrong with these values for a new entry (`entry` None) or for `entry`."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: Any) -> None:
        errors.setdefault(field, []).append(str(message))

    today = timezone.localdate()
    if organization is None:
        add("organization", REQUIRED["organization"])
    if year is None:
        add("year", REQUIRED["year"])
    elif not FIRST_YEAR <= year <= today.year:
        add(
            "year",
            _("年度须在 %(first)d 年至今年（%(this)d 年）之间。")
            % {"first": FIRST_YEAR, "this": today.year},
        )
    unknown = [code for code in situations or [] if code not in WeakLaxSituation.values]
    if unknown:
        add("situations", _("存在情形“%(codes)s”不是标准情形。") % {"codes": "、".join(unknown)})
    elif not situations:
        add("situations", REQUIRED["situations"])
    if not (measures or "").strip():
        add("measures", REQUIRED["measures"])
    person = (responsible_person or "").strip()
    if not person:
        add("responsible_person", REQUIRED["responsible_person"])
    elif len(person) > RESPONSIBLE_MAX:
        add("responsible_person", _("责任人不能超过 %(n)d 个字。") % {"n": RESPONSIBLE_MAX})
    registered = registered_on(entry) if entry is not None else today
    if deadline is None:
        add("deadline", REQUIRED["deadline"])
    elif deadline < registered:
        add(
            "deadline",
            _("整顿期限不能早于登记日期 %(day)s。") % {"day": registered.isoformat()},
        )
    if organization is not None and year is not None and "year" not in errors:
        others = WeakLaxEntry.objects.filter(organization=organization, year=year)
        if entry is not None:
            others = others.exclude(pk=entry.pk)
        if others.exists():
            add("year", duplicate_message(organization, year))
    return errors


def duplicate_message(organization: Organization, year: int) -> str:
    return _("“%(org)s”%(year)d 年已有整顿台账，请在原台账中修改。") % {
        "org": organization.name,
        "year": year,
    }


def date_errors(
    field: str, on: datetime.date | None, *, earliest: datetime.date, earliest_label: str
) -> dict[str, list[str]]:
    if on is None:
        return {field: [str(REQUIRED["on"])]}
    if on > timezone.localdate():
        return {field: [_("日期不能晚于今天。")]}
    if on < earliest:
        return {
            field: [
                _("日期不能早于%(what)s %(day)s。")
                % {"what": earliest_label, "day": earliest.isoformat()}
            ]
        }
    return {}
