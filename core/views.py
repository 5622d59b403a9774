from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs.scope import is_staff_member
from orgs.selectors import scope_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    assignments = request.user.assignments.select_related("organization").order_by("role")
    return render(
        request,
        "core/home.html",
        {
            "summary": scope_summary(request.user),
            "assignments": assignments,
            "is_staff_member": is_staff_member(request.user),
        },
    )
