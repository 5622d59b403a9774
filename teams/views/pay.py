"""Portal pages of village cadres' pay: a village's or community's cadres in a year with
the standard that applies and who falls below it, adding a cadre's pay; a row's page
(change, history); and the pay standards of the user's scope (set, change)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from orgs.scope import can_edit_path, get_visible_or_404, has_role

from ..forms.pay import CadrePayForm, PayStandardForm, PayYearForm
from ..models import CadrePay, PayStandard
from ..people_selectors import (
    applicable_standard,
    pay_rows,
    pay_years,
    person_history,
    standard_organizations,
    standards_above,
    standards_visible,
)
from ..renewal import is_village_or_community
from ..services.pay import save_pay, save_standard
from .postings import (
    add_page,
    may_edit_or_403,
    org_context,
    page_org,
    record_full_view,
    save_page_form,
    village_only,
)


def _pay_url(code: str, year: int) -> str:
    return f"{reverse('teams:pay', args=[code])}?{urlencode({'year': year})}"


@login_required
def pay(request: HttpRequest, code: str) -> HttpResponse:
    org = page_org(request, code)
    if not is_village_or_community(org):
        return village_only(request, org, _("村干部报酬与考核"))
    may_edit = may_edit_or_403(request, org)
    this_year = timezone.localdate().year
    years = pay_years(org, include=[this_year])
    year_form = PayYearForm(request.GET, years=years)
    year = year_form.chosen(default=this_year)
    form = None
    if may_edit:
        form = CadrePayForm(
            request.POST or None,
            user=request.user,
            instance=CadrePay(organization=org),
            initial={"year": year},
        )
    if request.method == "POST":
        saved, response = add_page(
            request, form, save_pay, record_arg="pay", fallback=_pay_url(org.code, year)
        )
        if response is not None:
            return response
        if saved is not None:
            messages.success(
                request,
                _("已登记“%(name)s”%(year)d 年的报酬。") % {"name": saved.name, "year": saved.year},
            )
            return redirect(_pay_url(org.code, saved.year))
    standard = applicable_standard(org, year)
    rows = pay_rows(org, year, standard)
    return render(
        request,
        "teams/pay/list.html",
        org_context(
            request,
            org,
            year=year,
            year_form=year_form,
            standard=standard,
            rows=rows,
            below=sum(1 for r in rows if r.below_standard),
            form=form,
        ),
    )


@login_required
def pay_row(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = get_visible_or_404(
        CadrePay.objects.select_related("organization"),
        request.user,
        pk=pk,
        organization__code=code,
    )
    org = found.organization
    if not can_edit_path(request.user, org.path):
        raise PermissionDenied
    form = CadrePayForm(
        request.POST if request.method == "POST" else None, user=request.user, instance=found
    )
    if request.method == "POST":
        saved = save_page_form(request, form, save_pay, pay=found)
        if saved is not None:
            messages.success(
                request,
                _("已保存“%(name)s”%(year)d 年的报酬。") % {"name": saved.name, "year": saved.year},
            )
            return redirect(_pay_url(org.code, saved.year))
        found.refresh_from_db()  # the heading shows what is stored
    if form.shows_full_id_number:
        record_full_view(request, CadrePay, [found], "detail")
    history, more_history = person_history(found.history, user=request.user)
    return render(
        request,
        "teams/pay/form.html",
        org_context(
            request,
            org,
            pay=found,
            standard=applicable_standard(org, found.year),
            back=_pay_url(org.code, found.year),
            form=form,
            history=history,
            more_history=more_history,
        ),
    )


# --- standards ---------------------------------------------------------------------------
def _standard_form(request: HttpRequest, standard: PayStandard, organizations) -> PayStandardForm:
    return PayStandardForm(
        request.POST if request.method == "POST" else None,
        instance=standard,
        organizations=organizations,
        initial={"year": timezone.localdate().year},
    )


@login_required
def pay_standards(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user):
        raise PermissionDenied
    organizations = standard_organizations(request.user)
    may_set = organizations.exists()
    if request.method == "POST" and not may_set:
        raise PermissionDenied
    page_url = reverse("teams:pay_standards")
    form = _standard_form(request, PayStandard(), organizations) if may_set else None
    if request.method == "POST":
        saved, response = add_page(
            request, form, save_standard, record_arg="standard", fallback=page_url
        )
        if response is not None:
            return response
        if saved is not None:
            messages.success(
                request,
                _("已制定“%(org)s”%(year)d 年的村干部报酬标准。")
                % {"org": saved.organization.name, "year": saved.year},
            )
            return redirect(page_url)
    standards = list(standards_visible(request.user))
    return render(
        request,
        "teams/pay/standards.html",
        {
            "standards": [(s, can_edit_path(request.user, s.organization.path)) for s in standards],
            "above": standards_above(request.user),
            "form": form,
        },
    )


@login_required
def pay_standard(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_visible_or_404(
        PayStandard.objects.select_related("organization"), request.user, pk=pk
    )
    if not can_edit_path(request.user, found.organization.path):
        raise PermissionDenied
    form = _standard_form(request, found, None)
    if request.method == "POST":
        saved = save_page_form(request, form, save_standard, standard=found)
        if saved is not None:
            messages.success(
                request,
                _("已保存“%(org)s”%(year)d 年的村干部报酬标准。")
                % {"org": saved.organization.name, "year": saved.year},
            )
            return redirect("teams:pay_standards")
        found.refresh_from_db()
    history, more_history = person_history(found.history, user=request.user)
    return render(
        request,
        "teams/pay/standard_form.html",
        {"standard": found, "form": form, "history": history, "more_history": more_history},
    )
