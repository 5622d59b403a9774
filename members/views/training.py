"""Portal pages: training (教育培训) — yearly totals per organisation and recording a course."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.scope import can_edit_path

from ..forms.training import OrgYearForm, TrainingForm
from ..models import Member, TrainingRecord
from ..services.training import record_training, training_totals

RECENT = 20


@login_required
def training(request: HttpRequest) -> HttpResponse:
    organizations = list(
        Organization.objects.visible_to(request.user)
        .order_by("path")
        .only("id", "code", "name", "path", "depth")
    )
    if not organizations:
        return render(request, "members/training/index.html", {"organizations": []})
    filters = OrgYearForm(request.GET or None, organizations=organizations)
    org, year = organizations[0], timezone.localdate().year
    if filters.is_bound and filters.is_valid():
        org = next((o for o in organizations if o.code == filters.cleaned_data["org"]), org)
        year = filters.cleaned_data["year"] or year
    may_record = can_edit_path(request.user, org.path)
    members = (
        Member.objects.editable_by(request.user).active().filter(organization=org).order_by("name")
    )
    form = None
    if may_record:
        form = TrainingForm(request.POST or None, members=members)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            record_training(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("已登记：%(name)s 参加“%(course)s”%(hours)s 学时。")
                % {
                    "name": form.cleaned_data["member"].name,
                    "course": form.cleaned_data["course"],
                    "hours": form.cleaned_data["hours"],
                },
            )
            return redirect(f"{reverse('members:training')}?org={org.code}&year={year}")
    totals = training_totals(org, year)
    context = {
        "organizations": organizations,
        "filters": filters,
        "org": org,
        "year": year,
        "totals": totals,
        "total_hours": sum((t.hours for t in totals), Decimal("0")),
        "total_records": sum(t.records for t in totals),
        "recent": TrainingRecord.objects.visible_to(request.user)
        .within(org)
        .select_related("organization", "member", "case")[:RECENT],
        "form": form,
        "has_members": form is not None and form.fields["member"].queryset.exists(),
    }
    return render(request, "members/training/index.html", context)


urlpatterns = [path("training/", training, name="training")]
