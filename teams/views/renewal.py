"""The 换届 page: where the elected organisations of a subtree stand in a year's 换届 —
the progress figures, the vetting of village 书记 candidates, and the table of every due
organisation — and its export. Staff and leaders, each within their scope."""

from __future__ import annotations

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

from core.numbers import rate
from core.registry import get_kind
from core.sorting import sort_links
from orgs.models import Organization
from orgs.options import OrgOption, visible_org_options
from orgs.scope import path_allowed
from orgs.selectors import scope_tops
from portal.exporting import FORMATS, dataset_download, log_export
from portal.models import ExportChannel

from ..forms.renewal import STATUS_CHOICES, RenewalFilterForm, year_asked
from ..renewal import (
    RENEWAL_ROLES,
    VETTING_LABELS,
    VETTING_ORDER,
    renewal_progress,
    renewal_rows,
)
from ..renewal_table import (
    SORT_COLUMNS,
    due_rows,
    export_dataset,
    search_rows,
    sort_rows,
    state_counts,
    unknown_terms,
    with_state,
)

PAGE_SIZE = 50
#: the years offered: last year's 换届 still being approved, and the terms ending soon
YEARS_BACK, YEARS_AHEAD = 1, 4


def _options(user: Any) -> list[OrgOption]:
    return [o for o in visible_org_options(user) if path_allowed(user, o.path, RENEWAL_ROLES)]


def _chosen(request: HttpRequest) -> tuple[Organization, int, RenewalFilterForm]:
    """The organisation (?org=, 404 outside the user's staff/leader scope; default the
    top of it) and the year (?year=, default this year; one not offered is said and
    replaced), with the filter form showing them."""
    user = request.user
    tops = scope_tops(user, RENEWAL_ROLES)
    if not tops:
        raise PermissionDenied(_("换届工作情况仅供组织部工作人员和领导查看。"))
    code = (request.GET.get("org") or "").strip()
    if code:
        org = Organization.objects.filter(code=code).first()
        if org is None or not path_allowed(user, org.path, RENEWAL_ROLES):
            raise Http404
    else:
        org = tops[0]
    this_year = timezone.localdate().year
    years = list(range(this_year - YEARS_BACK, this_year + YEARS_AHEAD + 1))
    raw_year = request.GET.get("year")
    year = year_asked(raw_year, years)
    if year is None:
        year = this_year
        if raw_year:
            messages.warning(request, _("年度无效，已显示 %(year)d 年。") % {"year": year})
    data = request.GET.copy()
    data.update({"org": org.code, "year": str(year)})
    return org, year, RenewalFilterForm(data, organizations=_options(user), years=years)


def _table(form: RenewalFilterForm, due: list) -> tuple[list, list]:
    """The due rows the table shows (searched, of the state asked for, sorted), and the
    searched rows of every state (which the state links count)."""
    searched = search_rows(due, form.value("q"))
    return sort_rows(with_state(searched, form.value("status")), form.value("sort")), searched


def _state_links(form: RenewalFilterForm, searched: list) -> list[dict]:
    counts = state_counts(searched)
    links = []
    for state, label in STATUS_CHOICES:
        params = form.data.copy()
        params.pop("page", None)
        params.pop("status", None)
        if state:
            params["status"] = state
        links.append(
            {
                "state": state,
                "label": label,
                "count": counts.get(state, 0) if state else len(searched),
                "url": f"?{params.urlencode()}",
            }
        )
    return links


@login_required
@require_safe
def renewal(request: HttpRequest) -> HttpResponse:
    org, year, form = _chosen(request)
    today = timezone.localdate()
    rows = renewal_rows(org, year=year, today=today)
    progress = renewal_progress(rows, year=year)
    due = due_rows(rows)
    shown, searched = _table(form, due)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = form.data.copy()
    querystring.pop("page", None)
    return render(
        request,
        "teams/renewal/index.html",
        {
            "form": form,
            "org": org,
            "year": year,
            "progress": progress,
            "held_rate": rate(progress.held, progress.due),
            "vetting": [
                (VETTING_LABELS[state], progress.vetting.get(state, 0)) for state in VETTING_ORDER
            ],
            "villages_due": sum(progress.vetting.values()),
            "unknown": unknown_terms(rows),
            "page": page,
            "querystring": querystring,
            "state_links": _state_links(form, searched),
            "current_state": form.value("status"),
            "sorting": sort_links(querystring, form.value("sort"), SORT_COLUMNS),
            "export_query": querystring.urlencode(),
        },
    )


@login_required
@require_safe
def renewal_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    org, year, form = _chosen(request)
    rows = renewal_rows(org, year=year, today=timezone.localdate())
    shown, _searched = _table(form, due_rows(rows))
    filename = _("换届进展-%(org)s-%(year)d年.%(fmt)s") % {
        "org": org.name,
        "year": year,
        "fmt": fmt,
    }
    response = dataset_download(export_dataset(shown, year=year), fmt, filename)
    # The table names each organisation's 书记: logged as an export of the committee's
    # personal data, like every other (no ID number or phone is in it).
    log_export(
        get_kind("committee"),
        user=request.user,
        org=org,
        rows=len(shown),
        unmasked=False,
        channel=ExportChannel.PAGE,
        fmt=fmt,
        conditions=form.described(),
    )
    return response
