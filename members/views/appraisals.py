"""Portal pages of 民主评议党员: the results of a subtree and year with their counts (everyone
in scope reads), recording and changing a result (staff of the appraising organisation),
and the export of the results shown.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.downloads import download_response
from orgs.models import Organization
from orgs.options import OrgOption, visible_org_options
from orgs.scope import can_edit_path, get_visible_or_404, has_role
from portal.exporting import FORMATS, export_file
from portal.models import ExportChannel

from ..forms.appraisals import AppraisalFilterForm, AppraisalForm
from ..models import Appraisal, AppraisalResult, Member
from ..services.appraisals import appraisal_create, appraisal_update, latest_year, year_counts

PAGE_SIZE = 50


def _choice(request: HttpRequest, options: list[OrgOption]):
    """The organisation, year and result the page shows: the request's if valid, else the
    user's top organisation and its last year with results (the year before, if none)."""
    form = AppraisalFilterForm(request.GET or None, organizations=options)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    code = data.get("org") or options[0].code
    org = Organization.objects.get(code=code)
    this_year = timezone.localdate().year
    year = data.get("year") or latest_year(org, this_year) or this_year - 1
    return form, org, year, data.get("result") or ""


def _page_url(org: Organization, year: int) -> str:
    return f"{reverse('members:appraisals')}?{urlencode({'org': org.code, 'year': year})}"


@login_required
def appraisal_list(request: HttpRequest) -> HttpResponse:
    options = visible_org_options(request.user)
    if not options:
        return render(request, "members/appraisals/list.html", {"organizations": []})
    form, org, year, result = _choice(request, options)
    appraisals = (
        Appraisal.objects.within(org)
        .filter(year=year)
        .select_related("member", "organization")
        .order_by("organization__path", "member__name", "pk")
    )
    if result:
        appraisals = appraisals.filter(result=result)
    page = Paginator(appraisals, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "organizations": options,
        "form": form,
        "org": org,
        "year": year,
        "result": result,
        "results": AppraisalResult.choices,
        "counts": year_counts(org, year),
        "page": page,
        "editable": [
            (a, can_edit_path(request.user, a.organization.path)) for a in page.object_list
        ],
        "can_record": can_edit_path(request.user, org.path),
        "active_members": Member.objects.within(org).active().count(),
        "querystring": querystring,
        "export_query": urlencode(
            {"org": org.code, "year": year, **({"result": result} if result else {})}
        ),
    }
    return render(request, "members/appraisals/list.html", context)


@login_required
def appraisal_new(request: HttpRequest) -> HttpResponse:
    options = visible_org_options(request.user)
    if not options:
        raise PermissionDenied
    _filters, org, year, _result = _choice(request, options)
    if not can_edit_path(request.user, org.path):
        raise PermissionDenied
    recorded = Appraisal.objects.filter(member=OuterRef("pk"), year=year)
    members = (
        Member.objects.active()
        .filter(organization=org, joined_on__lte=datetime.date(year, 12, 31))
        .exclude(Exists(recorded))
        .order_by("name", "pk")
    )
    form = AppraisalForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data["member"]
        try:
            appraisal_create(user=request.user, member=member, year=year, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_error(exc)
        except PermissionDenied as exc:
            form.add_error("member", str(exc))
        else:
            messages.success(
                request,
                _("已录入 %(name)s %(year)d 年度民主评议结果：%(result)s。")
                % {
                    "name": member.name,
                    "year": year,
                    "result": AppraisalResult(form.cleaned_data["result"]).label,
                },
            )
            if "another" in request.POST:
                return redirect(f"{reverse('members:appraisal_create')}?{request.GET.urlencode()}")
            return redirect(_page_url(org, year))
    return render(
        request,
        "members/appraisals/form.html",
        {"form": form, "org": org, "year": year, "appraisal": None, "back": _page_url(org, year)},
    )


@login_required
def appraisal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = get_visible_or_404(
        Appraisal.objects.select_related("member", "organization"), request.user, pk=pk
    )
    if not can_edit_path(request.user, appraisal.organization.path):
        raise PermissionDenied
    initial = {
        "result": appraisal.result,
        "disposition": appraisal.disposition,
        "disposition_on": appraisal.disposition_on,
        "note": appraisal.note,
    }
    form = AppraisalForm(request.POST or None, initial=initial)
    back = _page_url(appraisal.organization, appraisal.year)
    if request.method == "POST" and form.is_valid():
        try:
            appraisal_update(user=request.user, appraisal=appraisal, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("已保存 %(name)s %(year)d 年度的民主评议结果。")
                % {"name": appraisal.member.name, "year": appraisal.year},
            )
            return redirect(back)
    return render(
        request,
        "members/appraisals/form.html",
        {
            "form": form,
            "org": appraisal.organization,
            "year": appraisal.year,
            "appraisal": appraisal,
            "back": back,
        },
    )


@login_required
def appraisal_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS or not has_role(request.user):
        raise Http404
    options = visible_org_options(request.user)
    form = AppraisalFilterForm(request.GET, organizations=options)
    if not form.is_valid() or not form.cleaned_data["org"] or not form.cleaned_data["year"]:
        # An organisation outside the user's scope is no choice: never confirm it exists.
        raise Http404
    org = get_visible_or_404(
        Organization.objects.all(), request.user, code=form.cleaned_data["org"]
    )
    year, result = form.cleaned_data["year"], form.cleaned_data["result"]
    conditions = _("年度：%(year)d") % {"year": year}
    if result:
        conditions += _("；评议结果：%(result)s") % {"result": AppraisalResult(result).label}

    def narrow(queryset):
        queryset = queryset.filter(year=year)
        return queryset.filter(result=result) if result else queryset

    content, _rows = export_file(
        "appraisals",
        fmt,
        user=request.user,
        org=org,
        channel=ExportChannel.PAGE,
        narrow=narrow,
        conditions=conditions,
    )
    return download_response(content, f"appraisals-{org.code}-{year}.{fmt}")


urlpatterns = [
    path("appraisals/", appraisal_list, name="appraisals"),
    path("appraisals/new/", appraisal_new, name="appraisal_create"),
    path("appraisals/<int:pk>/edit/", appraisal_edit, name="appraisal_edit"),
    path("appraisals/export/", appraisal_export, name="appraisal_export"),
]
