"""Portal page of the village collective economy (村级集体经济) for a subtree and year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from core.downloads import download_response
from core.sorting import sort_links
from orgs.models import Organization
from orgs.options import visible_org_options
from orgs.scope import get_visible_or_404, has_role
from portal.exporting import FORMATS, export_file
from portal.models import ExportChannel

from ..forms.economy import EconomyFilterForm
from ..selectors.economy import economy_figures, economy_rows, economy_years, missing_villages

PAGE_SIZE = 50
#: villages without a record listed on the page; the count always covers all of them
MISSING_SHOWN = 200
SORTABLE_COLUMNS = ("org", "income", "change")


@login_required
def economy(request: HttpRequest) -> HttpResponse:
    form = EconomyFilterForm(request.GET, organizations=visible_org_options(request.user))
    option = form.org_option
    if option is None:
        return render(request, "funding/economy/index.html", {"form": form, "org": None})
    # The option comes from the user's visible organisations.
    org = Organization.objects.get(code=option.code)
    years = economy_years(org)
    year = form.year_or(years[0] if years else None)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    querystring["org"], querystring["year"] = org.code, str(year)
    page = Paginator(economy_rows(org=org, year=year, sort=form.sort_key), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "funding/economy/index.html",
        {
            "form": form,
            "org": org,
            "year": year,
            "years": years,
            "figures": economy_figures(org=org, year=year),
            "page": page,
            "querystring": querystring,
            "sorting": sort_links(querystring, form.sort_key, SORTABLE_COLUMNS),
            "missing": list(missing_villages(org=org, year=year)[:MISSING_SHOWN]),
            "missing_shown": MISSING_SHOWN,
        },
    )


@login_required
def economy_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS or not has_role(request.user):
        raise Http404
    org = None
    if code := request.GET.get("org"):
        # Outside the user's scope: never confirm that it exists.
        org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    content, _rows = export_file(
        "economy", fmt, user=request.user, org=org, channel=ExportChannel.PAGE
    )
    filename = f"economy-{org.code if org else 'all'}-{timezone.localdate():%Y%m%d}.{fmt}"
    return download_response(content, filename)


urlpatterns = [
    path("economy/", economy, name="economy"),
    path("economy/export/", economy_export, name="economy_export"),
]
