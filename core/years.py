"""The years the portal reads from an address (periods, quarters, months, a year in a
route): one range, so that a crafted year is refused before any date arithmetic.

FIRST_YEAR: the Communist Party of China was founded in 1921; no branch, member or due
is older. LAST_YEAR: the upper bound of the models' year fields (2000–2100). Inside the
range every computation the pages make from a year (the period before, the month after,
age limits decades back) stays within what `datetime.date` holds (years 1–9999); outside
it, year 1 or 9999 made them raise (a 500 instead of a refusal).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIRST_YEAR = 1921
LAST_YEAR = 2100


def check_year(year: int) -> int:
    """`year`, or a ValidationError saying the range."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("年份应在 %(first)s 到 %(last)s 之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return year


class YearConverter:
    """`<year:year>` in a route: four digits within the range; any other value does not
    match, so the route answers 404 (registered as "year" in CoreConfig.ready)."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(value)  # a converter's ValueError means "no match"
        return year

    def to_url(self, value: int | str) -> str:
        # Not checked here: reverse() would turn a ValueError into NoReverseMatch (a 500
        # on the page with the link); a link beyond the range leads to a 404 instead.
        return str(value)
