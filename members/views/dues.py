"""Portal pages: dues (党费) — the collection overview, a branch's monthly sheet, and the
免交/少交 a branch approved for a member (entered from the member's page)."""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.periods import add_months, month_start
from core.years import FIRST_YEAR
from orgs.models import Organization
from orgs.scope import can_edit_path, get_visible_or_404, in_subtree

from ..dues.collection import collection_by_organization
from ..dues.findings import arrears, arrears_window, lapse_window, six_month_flags
from ..dues.rates import load_brackets
from ..dues.recording import DuesSheetError, save_month_sheet
from ..dues.sheet import fill_in_full, month_sheet, sheet_totals
from ..dues.waivers import record_waiver, withdraw_waiver
from ..forms.dues import DuesSheetForm, DuesWaiverForm, OrgMonthForm
from ..models import DuesWaiver, Member
from ..selectors import active_member_counts, dues_collection

#: rows of the arrears and six-month lists shown on the overview (the counts are exact)
LIST_LIMIT = 30


def _sheet_url(org: Organization, month: datetime.date) -> str:
    return reverse("members:dues_sheet", args=[org.code, month.year, month.month])


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    organizations = list(
        Organization.objects.visible_to(request.user)
        .order_by("path")
        .only("id", "code", "name", "path", "depth", "numchild")
    )
    if not organizations:
        return render(request, "members/dues/overview.html", {"organizations": []})
    form = OrgMonthForm(request.GET or None, organizations=organizations)
    today = timezone.localdate()
    by_code = {o.code: o for o in organizations}
    org, month = organizations[0], month_start(today)
    if form.is_bound and form.is_valid():
        org = by_code.get(form.cleaned_data["org"]) or org
        month = form.cleaned_data["month"] or month
    subtree = [o for o in organizations if in_subtree(o.path, org)]
    counts = active_member_counts(o.id for o in subtree)
    # The dues page lists the lapses of dues; absence from organisation life is the
    # health page's.
    flags = [f for f in six_month_flags(org, today) if f.no_dues]
    owed = arrears(org, today)
    flagged_by_org = Counter(f.member.organization_id for f in flags)
    owing_by_org = Counter(a.member.organization_id for a in owed)
    context = {
        "organizations": organizations,
        "form": form,
        "org": org,
        "month": month,
        "previous_month": add_months(month, -1),
        "next_month": add_months(month, 1) if month < month_start(today) else None,
        "collection": dues_collection(org, month, month),
        "rows": [
            (
                row,
                _sheet_url(row.organization, month),
                owing_by_org[row.organization.pk],
                flagged_by_org[row.organization.pk],
            )
            for row in collection_by_organization(subtree, counts, month)
        ],
        "members": sum(counts.values()),
        "flags": flags[:LIST_LIMIT],
        "flag_count": len(flags),
        "lapse_window": lapse_window(today),
        "arrears": owed[:LIST_LIMIT],
        "arrear_count": len(owed),
        "arrears_window": arrears_window(today),
        "list_limit": LIST_LIMIT,
    }
    return render(request, "members/dues/overview.html", context)


@login_required
def sheet(request: HttpRequest, code: str, year: int, month: int) -> HttpResponse:
    org = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    if not 1 <= month <= 12:  # the year is checked by the route's converter
        raise Http404
    first = datetime.date(year, month, 1)
    today = timezone.localdate()
    may_write = can_edit_path(request.user, org.path)
    is_future = first > month_start(today)
    previous = add_months(first, -1)
    if request.method == "POST" and not may_write:
        raise PermissionDenied
    lines = month_sheet(org, first)
    problems = []
    if request.method == "POST" and not is_future:
        form = DuesSheetForm(request.POST, lines=lines)
        if form.is_valid():
            entries = form.entries()
            if "fill" in request.POST:
                filled = fill_in_full(lines, entries, today=today, brackets=load_brackets())
                form = DuesSheetForm(lines=lines, initial=DuesSheetForm.initial_from(filled))
                messages.info(
                    request,
                    _(
                        "已将未足额缴纳的党员填为按应缴金额足额缴纳、日期为今天，请核对后点击“保存整张登记表”。"
                    ),
                )
            else:
                try:
                    result = save_month_sheet(
                        user=request.user, organization=org, month=first, rows=entries
                    )
                except DuesSheetError as exc:
                    problems = exc.problems
                    for problem in problems:
                        target = (
                            form.field_for(problem.member.pk, problem.field)
                            if problem.member is not None
                            else None
                        )
                        form.add_error(target, problem.message if target else str(problem))
                else:
                    messages.success(
                        request,
                        _("已保存：新增 %(new)d 条，修改 %(changed)d 条，未变 %(same)d 条。")
                        % {
                            "new": result.created,
                            "changed": result.updated,
                            "same": result.unchanged,
                        },
                    )
                    return redirect(_sheet_url(org, first))
    else:
        form = DuesSheetForm(lines=lines)
    context = {
        "org": org,
        "month": first,
        "form": form,
        "rows": form.rows(),
        "totals": sheet_totals(lines),
        "problems": problems,
        "can_save": may_write and not is_future,
        "is_future": is_future,
        # None before the first month of the range (the route refuses it).
        "previous_url": _sheet_url(org, previous) if previous.year >= FIRST_YEAR else None,
        "next_url": _sheet_url(org, add_months(first, 1)) if first < month_start(today) else None,
        "overview_url": reverse("members:dues") + f"?org={org.code}&month={first:%Y-%m}",
    }
    return render(request, "members/dues/sheet.html", context)


def _editable_member(request: HttpRequest, pk: int) -> Member:
    """The member if visible (404 otherwise), and only for staff of their subtree (403)."""
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=pk)
    if not can_edit_path(request.user, member.organization.path):
        raise PermissionDenied
    return member


def _editable_waiver(request: HttpRequest, pk: int) -> DuesWaiver:
    waiver = get_visible_or_404(
        DuesWaiver.objects.select_related("member__organization"), request.user, pk=pk
    )
    if not can_edit_path(request.user, waiver.member.organization.path):
        raise PermissionDenied
    return waiver


def _waiver_form(request: HttpRequest, waiver: DuesWaiver) -> HttpResponse:
    """The create and the edit page: one form, saved through `record_waiver`."""
    member = waiver.member
    editing = waiver.pk is not None
    form = DuesWaiverForm(request.POST or None, instance=waiver)
    if request.method == "POST" and form.is_valid():
        try:
            record_waiver(user=request.user, waiver=form.instance)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("已登记 %(name)s %(months)s 党费%(kind)s。")
                % {
                    "name": member.name,
                    "months": form.instance.months_label,
                    "kind": form.instance.get_kind_display(),
                },
            )
            return redirect(member.get_absolute_url())
    return render(
        request,
        "members/dues/waiver_form.html",
        {"form": form, "member": member, "waiver": waiver if editing else None},
    )


@login_required
def waiver_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _waiver_form(request, DuesWaiver(member=_editable_member(request, pk)))


@login_required
def waiver_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _waiver_form(request, _editable_waiver(request, pk))


@login_required
@require_POST
def waiver_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    waiver = _editable_waiver(request, pk)
    member = waiver.member
    try:
        withdraw_waiver(user=request.user, waiver=waiver)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("已撤销 %(name)s %(months)s 的党费%(kind)s登记。")
            % {
                "name": member.name,
                "months": waiver.months_label,
                "kind": waiver.get_kind_display(),
            },
        )
    return redirect(member.get_absolute_url())


urlpatterns = [
    path("dues/", overview, name="dues"),
    path("dues/<str:code>/<year:year>-<int:month>/", sheet, name="dues_sheet"),
    path("dues/waivers/new/<int:pk>/", waiver_create, name="dues_waiver_create"),
    path("dues/waivers/<int:pk>/", waiver_edit, name="dues_waiver_edit"),
    path("dues/waivers/<int:pk>/withdraw/", waiver_withdraw, name="dues_waiver_withdraw"),
]
