"""Sortable column headers of list pages."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import QueryDict


def sort_links(
    querystring: QueryDict, current: str, columns: Iterable[str]
) -> dict[str, dict[str, str]]:
    """For each sortable column: the URL that sorts by it (toggling the direction when it
    is the current sort) and its aria-sort state."""
    links = {}
    for column in columns:
        params = querystring.copy()
        params["sort"] = f"-{column}" if current == column else column
        state = {column: "ascending", f"-{column}": "descending"}.get(current, "none")
        links[column] = {"url": f"?{params.urlencode()}", "aria_sort": state}
    return links
