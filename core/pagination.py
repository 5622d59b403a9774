"""Pagination for lists whose filter no index can answer (e.g. a name *containing* 建国).

Django's Paginator runs COUNT(*) and then the page query: two scans of the whole table. A
window count (COUNT(*) OVER ()) returns the total with the page rows, from one scan. Only
worth it when the matches are few: over a whole unfiltered roster the window would sort
every row, so lists use it for searches only.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Window

TOTAL = "_window_total"


class SingleScanPaginator(Paginator):
    def get_page(self, number) -> Page:
        try:
            number = self.validate_number_without_count(number)
        except InvalidPage:
            return super().get_page(number)  # Django's answer to odd input, counting
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(**{TOTAL: Window(Count("pk"))})[
                bottom : bottom + self.per_page
            ]
        )
        if not rows:
            # Past the last page (or nothing found): the ordinary way, which counts.
            return super().get_page(number)
        self.__dict__["count"] = getattr(rows[0], TOTAL)  # Paginator.count is cached
        return self._get_page(rows, number, self)

    @staticmethod
    def validate_number_without_count(number) -> int:
        if number in (None, ""):
            return 1  # no ?page= at all: the first page
        try:
            value = int(number)
        except (TypeError, ValueError):
            raise InvalidPage from None
        if value < 1:
            raise InvalidPage
        return value
