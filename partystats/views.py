"""The party statistics pages: the tables of a subtree as of a day, who is behind a figure,
and the workbook. Staff and leaders, each within their scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.downloads import download_response
from orgs.models import Organization
from orgs.options import OrgOption, visible_org_options
from orgs.roles import Role
from orgs.scope import path_allowed
from orgs.selectors import scope_tops

from .export import workbook_bytes
from .forms import StatisticsForm, default_as_of
from .people import Cell, behind, find_column
from .selectors import party_statistics
from .text import statistics_text

STATS_ROLES = (Role.STAFF, Role.LEADER)
PAGE_SIZE = 50


def _options(user: Any) -> list[OrgOption]:
    return [o for o in visible_org_options(user) if path_allowed(user, o.path, STATS_ROLES)]


def _choose(request: HttpRequest) -> tuple[Organization | None, datetime.date, StatisticsForm]:
    """The organisation (404 outside the user's staff/leader scope) and the day (today or
    the year-end being compiled when absent; a bad day is said and replaced by it)."""
    user = request.user
    if not scope_tops(user, STATS_ROLES):
        raise PermissionDenied(_("党内统计仅供组织部工作人员和领导查看。"))
    options = _options(user)
    form = StatisticsForm(request.GET, organizations=options)
    form.is_valid()
    code = (request.GET.get("org") or "").strip()
    if code:
        org = Organization.objects.filter(code=code).first()
        if org is None or not path_allowed(user, org.path, STATS_ROLES):
            raise Http404
    else:
        org = scope_tops(user, STATS_ROLES)[0]
    day = form.cleaned_data.get("as_of") if "as_of" in form.cleaned_data else None
    if day is None:
        day = default_as_of()
        for error in form.errors.get("as_of", []):
            messages.warning(
                request,
                _("%(error)s已按 %(day)s 统计。") % {"error": error, "day": day.isoformat()},
            )
    shown = StatisticsForm(None, organizations=options, initial={"org": org.code, "as_of": day})
    return org, day, shown


#: lines whose figure is not a list of people (the change table's balances)
UNLISTED_LINES = frozenset({"start", "end", "difference"})


def _figure(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _display(stats: Any) -> list[dict[str, Any]]:
    """Each table's lines as (text, column code or "" for the total, linked) cells."""
    tables = []
    for table in stats.tables:
        lines = []
        for line in table.lines:
            linked = table.links and line.key not in UNLISTED_LINES
            cells = [(_figure(line.total), "", linked and bool(line.total))]
            cells += [
                (_figure(value), column.code, linked and bool(value))
                for value, column in zip(line.cells, stats.columns, strict=True)
            ]
            lines.append({"line": line, "cells": cells})
        tables.append({"table": table, "lines": lines})
    return tables


@login_required
@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    org, day, form = _choose(request)
    stats = party_statistics(org, day)
    today = timezone.localdate()
    quick_days = [
        (
            _("%(year)s年12月31日（上年末）") % {"year": today.year - 1},
            datetime.date(today.year - 1, 12, 31),
        ),
        (_("今天"), today),
    ]
    return render(
        request,
        "partystats/statistics.html",
        {
            "form": form,
            "org": org,
            "stats": stats,
            "tables": _display(stats),
            "paragraphs": statistics_text(stats),
            "quick_days": quick_days,
            "unexplained": stats.change.unexplained,
        },
    )


@login_required
@require_safe
def people(request: HttpRequest) -> HttpResponse:
    """Who a figure counts: ?table=&line=&column=CODE (absent: the whole subtree)."""
    org, day, _form = _choose(request)
    column_code = (request.GET.get("column") or "").strip()
    try:
        column = find_column(org, column_code) if column_code else None
        cell = Cell(
            (request.GET.get("table") or "").strip(),
            (request.GET.get("line") or "").strip(),
            column,
        )
        found = behind(org, day, cell)
    except LookupError:
        raise Http404 from None
    page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partystats/people.html",
        {
            "org": org,
            "day": day,
            "column": column,
            "found": found,
            "page": page,
            "querystring": query,
            "back": f"?org={org.code}&as_of={day.isoformat()}",
        },
    )


@login_required
@require_safe
def workbook(request: HttpRequest) -> HttpResponse:
    org, day, _form = _choose(request)
    stats = party_statistics(org, day)
    name = _("党内统计-%(org)s-截至%(day)s.xlsx") % {"org": org.name, "day": day.isoformat()}
    return download_response(workbook_bytes(stats), name)
