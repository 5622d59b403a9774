"""Portal pages of the funds: the funding overview of a subtree and year, a line's page
with its instalments, and the export.

Fiscal revenue and payrolls are recorded in the admin (scoped, with history), where staff
already maintain the fund lines; the warnings on the overview link there.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.downloads import download_response
from core.numbers import money
from core.submissions import REPEATED_MESSAGE, RepeatedSubmission, earlier_result
from orgs.models import Organization
from orgs.scope import can_edit_path, get_visible_or_404, has_role, is_staff_member
from orgs.selectors import visible_ancestors
from portal.exporting import FORMATS, export_file

from ..forms.funds import DisbursementForm, FundsFilterForm, parse_year
from ..history import line_history
from ..models import FundLine
from ..selectors.funds import fund_overview, fund_years, lines_of
from ..services.funds import disbursement_delete, disbursement_record
from ..services.standards import funding_warnings

#: findings listed on the overview (the counts per rule are exact)
WARNING_LIMIT = 50
LINES_PAGE_SIZE = 50


def _selected_org(request: HttpRequest) -> Organization | None:
    """The organisation asked for (404 outside the user's scope), else the user's top one."""
    if code := request.GET.get("org"):
        return get_visible_or_404(Organization.objects.all(), request.user, code=code)
    return Organization.objects.visible_to(request.user).first()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    org = _selected_org(request)
    if org is None:
        return render(request, "funding/funds/index.html", {"org": None})
    requested = request.GET.get("year")
    year = parse_year(requested) or timezone.localdate().year
    # Only organisations with a subtree to sum are offered; the children table drills down.
    choices = Organization.objects.visible_to(request.user).filter(Q(numchild__gt=0) | Q(pk=org.pk))
    form = FundsFilterForm(
        initial={"year": year, "org": org.code},
        years=fund_years(org, include=year),
        organizations=choices.only("id", "path", "depth", "code", "name"),
    )
    overview = fund_overview(org, year)
    warnings = funding_warnings(org, year)
    lines = Paginator(lines_of(org, year), LINES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "org": org,
        "year": year,
        "year_error": bool(requested) and parse_year(requested) is None,
        "form": form,
        "ancestors": visible_ancestors(request.user, org),
        "totals": overview.totals,
        "by_category": overview.by_category,
        "by_source": overview.by_source,
        "children": overview.by_child,
        "own": overview.own,
        "lines": lines,
        "querystring": QueryDict(f"org={org.code}&year={year}"),
        "warnings": warnings[:WARNING_LIMIT],
        "warning_count": len(warnings),
        "warning_rules": Counter(w.rule for w in warnings),
        "warning_limit": WARNING_LIMIT,
        "can_edit": can_edit_path(request.user, org.path),
        "is_staff": is_staff_member(request.user),
    }
    return render(request, "funding/funds/index.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS or not has_role(request.user):
        raise Http404
    org = _selected_org(request)
    content, _rows = export_file("funds", fmt, user=request.user, org=org)
    filename = f"funds-{org.code if org else 'all'}-{timezone.localdate():%Y%m%d}.{fmt}"
    return download_response(content, filename)


def _line_for_user(request: HttpRequest, code: str) -> FundLine:
    return get_visible_or_404(
        FundLine.objects.select_related("organization"), request.user, code=code
    )


@login_required
def line_detail(request: HttpRequest, code: str) -> HttpResponse:
    line = _line_for_user(request, code)
    may_write = can_edit_path(request.user, line.organization.path)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if earlier_result(request.POST) is not None:
            messages.info(request, REPEATED_MESSAGE)
            return redirect(line)
        form = DisbursementForm(request.POST)
        if form.is_valid():
            try:
                instalment = disbursement_record(
                    user=request.user,
                    fund=line,
                    amount=form.cleaned_data["amount"],
                    paid_on=form.cleaned_data["paid_on"],
                    note=form.cleaned_data["note"],
                    submission=form.cleaned_data["submission"],
                )
            except RepeatedSubmission:
                messages.info(request, REPEATED_MESSAGE)
                return redirect(line)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("已登记拨付 %(amount)s 元。") % {"amount": money(instalment.amount)},
                )
                return redirect(line)
    else:
        form = DisbursementForm(initial={"paid_on": timezone.localdate()})
    history, more_history = line_history(line=line, user=request.user)
    context = {
        "line": line,
        "ancestors": visible_ancestors(request.user, line.organization),
        "instalments": line.disbursements.select_related("recorded_by"),
        "history": history,
        "more_history": more_history,
        "form": form,
        "can_edit": may_write,
        "overview_url": reverse("funding:index")
        + f"?org={line.organization.code}&year={line.year}",
    }
    return render(request, "funding/funds/line.html", context)


@login_required
def disbursement_delete_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    line = _line_for_user(request, code)
    if not can_edit_path(request.user, line.organization.path):
        raise PermissionDenied
    instalment = get_object_or_404(line.disbursements.select_related("recorded_by"), pk=pk)
    if request.method == "POST":
        disbursement_delete(user=request.user, disbursement=instalment)
        messages.success(
            request,
            _("已删除 %(day)s 拨付的 %(amount)s 元。")
            % {"day": instalment.paid_on.isoformat(), "amount": money(instalment.amount)},
        )
        return redirect(line)
    return render(
        request,
        "funding/funds/disbursement_delete.html",
        {"line": line, "instalment": instalment},
    )


urlpatterns = [
    path("funding/", index, name="index"),
    path("funding/export/", export, name="export"),
    path("funding/lines/<str:code>/", line_detail, name="line"),
    path(
        "funding/lines/<str:code>/disbursements/<int:pk>/delete/",
        disbursement_delete_view,
        name="disbursement_delete",
    ),
]
