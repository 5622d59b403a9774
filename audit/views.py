"""/audit/: the audit trail, for county staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.pagination import SingleScanPaginator

from .access import can_read_audit
from .forms import AuditFilterForm
from .selectors import visible_events

PAGE_SIZE = 50


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not can_read_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    filters = form.filter_kwargs()
    events = visible_events(request.user, **filters)
    # A name search matches few rows: their total comes with the page (core.pagination);
    # otherwise the newest-first index answers the count and the page.
    paginator_class = SingleScanPaginator if filters["username"] else Paginator
    page = paginator_class(events, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "querystring": querystring},
    )
