"""Which template a level's lists are issued from, and the templates' totals (reads).

A template issues lists only when its items total 100 points; a new version still being
edited does not stop issuing, the previous complete version is used meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum

from .models import ChecklistTemplate, TemplateItem

FULL_MARKS = Decimal("100")
TENTH = Decimal("0.1")


def _points(value: Any) -> Decimal:
    # SQLite sums decimals as floats (99.99999…): compare at the items' one decimal place.
    return Decimal(str(value or 0)).quantize(TENTH, ROUND_HALF_UP)


def template_total(template: ChecklistTemplate) -> Decimal:
    return _points(template.items.aggregate(total=Sum("points"))["total"])


def template_totals(template_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each template's total points, one grouped query (a template without items: 0)."""
    ids = list(template_ids)
    totals = dict.fromkeys(ids, Decimal("0.0"))
    rows = (
        TemplateItem.objects.filter(template_id__in=ids)
        .values("template_id")
        .annotate(total=Sum("points"))
        .order_by()
        .values_list("template_id", "total")
    )
    for template_id, total in rows:
        totals[template_id] = _points(total)
    return totals


@dataclass(frozen=True)
class TemplateChoice:
    #: per level, the template lists are issued from
    current: dict[str, ChecklistTemplate]
    #: levels none of whose templates totals 100 points (their latest template): nothing
    #: is issued at those levels
    invalid: list[ChecklistTemplate]
    #: newer versions still being edited (not 100 points): skipped for an older version
    skipped: list[ChecklistTemplate]
    totals: dict[int, Decimal]


def choose_templates(year: int) -> TemplateChoice:
    """Per level, the template `year`'s lists are issued from: the highest version of the
    latest year up to `year` that totals 100 points. A new version being edited (a copy
    made by "edit", or a new empty one) does not stop issuing: the previous complete
    version is used until the new one totals 100. Two queries."""
    templates = list(
        ChecklistTemplate.objects.filter(year__lte=year).order_by("level", "-year", "-version")
    )
    totals = template_totals(t.pk for t in templates)
    current: dict[str, ChecklistTemplate] = {}
    latest: dict[str, ChecklistTemplate] = {}
    skipped: list[ChecklistTemplate] = []
    for template in templates:
        latest.setdefault(template.level, template)
        if template.level in current:
            continue
        if totals[template.pk] == FULL_MARKS:
            current[template.level] = template
        else:
            skipped.append(template)
    invalid = [t for level, t in latest.items() if level not in current]
    return TemplateChoice(
        current=current,
        invalid=invalid,
        skipped=[t for t in skipped if t.level in current],
        totals=totals,
    )


def current_templates(year: int) -> dict[str, ChecklistTemplate]:
    """The template each level issues from in `year` (see choose_templates)."""
    return choose_templates(year).current
