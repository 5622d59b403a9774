"""Portal pages: the secretary's quarterly lists (filling and submitting).

A list outside the user's scope answers 404. Inside it, the secretary of the organisation
fills it in while it is 未提交 or 退回修改; staff and leaders see the same page read-only
(they review on the reviewing pages).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.uploads import file_response
from orgs.scope import get_visible_or_404, has_role, scope_q

from ..checklist_models import ChecklistEvidence, ChecklistItem, ResponsibilityList
from ..choices import ItemStatus
from ..filling import (
    CONFLICT,
    can_fill,
    checklist_submit,
    is_editable,
    items_save,
    submission_problems,
)
from ..forms_filling import ChecklistFillForm
from ..indicators import measure_items, meets_target
from ..issuing import Quarter

PAGE_SIZE = 30


def _checklist_or_404(request: HttpRequest, pk: int) -> ResponsibilityList:
    return get_visible_or_404(
        ResponsibilityList.objects.select_related("organization", "secretary"),
        request.user,
        pk=pk,
    )


def _items(checklist: ResponsibilityList) -> list[ChecklistItem]:
    items = list(
        checklist.items.prefetch_related(
            Prefetch("evidence", queryset=ChecklistEvidence.objects.order_by("uploaded_at", "pk"))
        )
    )
    for item in items:
        item.checklist = checklist  # the measuring needs the list and its organisation
    return items


def _last_saved(checklist: ResponsibilityList):
    return checklist.history.select_related("history_user").order_by("-history_date").first()


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The lists the user reports on as secretary, the current quarter first."""
    current = Quarter.of(timezone.localdate())
    lists = (
        ResponsibilityList.objects.filter(
            scope_q(request.user, "organization__", (Role.SECRETARY,))
        )
        .select_related("organization")
        .annotate(
            period_order=Case(
                When(year=current.year, quarter=current.number, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("period_order", "-year", "-quarter", "organization__path")
    )
    page = Paginator(lists, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/filling/mine.html",
        {
            "page": page,
            "current": current,
            "today": timezone.localdate(),
            "is_secretary": has_role(request.user, Role.SECRETARY),
            "reviews": has_role(request.user, Role.STAFF, Role.LEADER),
        },
    )


@login_required
def fill(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = _checklist_or_404(request, pk)
    may_fill = can_fill(request.user, checklist)
    if request.method == "POST" and not may_fill:
        raise PermissionDenied
    editable = may_fill and is_editable(checklist)
    items = _items(checklist)
    form = None
    status = 200
    if editable:
        if request.method == "POST":
            form = ChecklistFillForm(request.POST, request.FILES, items=items)
            if form.is_valid():
                try:
                    saved = items_save(
                        user=request.user, checklist=checklist, **form.service_kwargs()
                    )
                except ValidationError as exc:
                    form.apply_errors(exc)
                    status = 409 if getattr(exc, "code", None) == CONFLICT else 400
                else:
                    messages.success(
                        request,
                        _("已保存于 %(time)s。") % {"time": timezone.localtime().strftime("%H:%M")},
                    )
                    if request.POST.get("action") == "submit":
                        return redirect("checklists:submit", pk=saved.pk)
                    return redirect("checklists:fill", pk=saved.pk)
            else:
                status = 400
        else:
            form = ChecklistFillForm(items=items, initial={"revision": checklist.revision})
    elif request.method == "POST":
        messages.error(request, _("清单已提交，不能再修改；审核退回后才能修改。"))
        return redirect("checklists:fill", pk=checklist.pk)
    # While the list is open the portal measures live; once submitted, the values recorded
    # at submission are what the reviewer scored against.
    measured = (
        measure_items(items)
        if is_editable(checklist)
        else {i.pk: i.measured_value for i in items if i.indicator}
    )
    rows = form.rows() if form else [{"item": item} for item in items]
    for item in items:
        item.measured = measured.get(item.pk)
        item.target_met = meets_target(item.measured, item.indicator_target)
    return render(
        request,
        "assessments/filling/fill.html",
        {
            "checklist": checklist,
            "rows": rows,
            "form": form,
            "may_fill": may_fill,
            "editable": editable,
            "last_saved": _last_saved(checklist),
            "today": timezone.localdate(),
            "conflict": status == 409,
            "max_upload_mb": settings.ATTACHMENT_MAX_SIZE // (1024 * 1024),
        },
        status=status,
    )


@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step: what will be submitted, then the POST that submits."""
    checklist = _checklist_or_404(request, pk)
    if not can_fill(request.user, checklist):
        raise PermissionDenied
    if not is_editable(checklist):
        messages.info(request, _("清单已提交，等待审核。"))
        return redirect("checklists:fill", pk=checklist.pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = None
        try:
            checklist_submit(user=request.user, checklist=checklist, expected_revision=revision)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已提交，等待审核。"))
            return redirect("checklists:fill", pk=checklist.pk)
    counts = _status_counts(checklist)
    return render(
        request,
        "assessments/filling/submit.html",
        {
            "checklist": checklist,
            "counts": [(label, counts[value]) for value, label in ItemStatus.choices],
            "problems": errors or submission_problems(checklist),
            "late": timezone.localdate() > checklist.deadline,
        },
        status=400 if errors else 200,
    )


def _status_counts(checklist: ResponsibilityList) -> dict[str, int]:
    counts = dict.fromkeys(ItemStatus.values, 0)
    for row in checklist.items.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The only way to an evidence file: scope checked, type as sniffed on upload."""
    found = get_visible_or_404(ChecklistEvidence.objects.all(), request.user, pk=pk)
    return file_response(request, found)


urlpatterns = [
    path("", mine, name="mine"),
    path("<int:pk>/", fill, name="fill"),
    path("<int:pk>/submit/", submit, name="submit"),
    path("evidence/<int:pk>/", evidence, name="evidence"),
]
