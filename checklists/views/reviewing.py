"""Portal pages: reviewing and scoring lists, rectification.

Everyone reads through the scoping API (another subtree's list is a 404; a secretary
reads only their own organisation's); only staff over the organisation's parent score,
send back, approve, change and close rectifications, and only the organisation's own
secretary reports on a rectification (403 otherwise).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from orgs.scope import get_visible_or_404, is_staff_member

from ..choices import ListStatus, RectificationStatus
from ..forms.reviewing import (
    RectificationFilterForm,
    RectificationForm,
    ReviewFilterForm,
    ReviewForm,
)
from ..models import Rectification, ResponsibilityList
from ..reviewing.permissions import (
    can_close_rectification,
    can_edit_rectification,
    can_report_rectification,
    can_review,
    sees_provisional_review,
)
from ..reviewing.rectifications import (
    rectification_close,
    rectification_report,
    rectification_update,
)
from ..reviewing.selectors import (
    STATUS_ORDER,
    changes_since_last_submission,
    lists_for_review,
    rectifications_for_user,
    status_counts,
)
from ..reviewing.services import ReviewConflict, checklist_review

PAGE_SIZE = 50

DONE_MESSAGES = {
    "save": _lazy("已保存评分。"),
    "return": _lazy("已退回修改，书记将在各条目上看到退回理由。"),
    "approve": _lazy("已审核通过。"),
}


def _querystring(request: HttpRequest):
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return querystring


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    form = ReviewFilterForm(request.GET, today=timezone.localdate())
    chosen = form.selected_quarter()
    year, quarter = chosen.year, chosen.number
    status = form.status_value()
    counts = status_counts(request.user, year=year, quarter=quarter)
    page = Paginator(
        lists_for_review(request.user, year=year, quarter=quarter, status=status), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    tabs = [
        {"value": s.value, "label": s.label, "count": counts[s.value], "active": s == status}
        for s in STATUS_ORDER
    ]
    return render(
        request,
        "checklists/reviewing/list.html",
        {
            "form": form,
            "year": year,
            "quarter": quarter,
            "status": status,
            "tabs": tabs,
            "total": sum(counts[s.value] for s in STATUS_ORDER),
            "late": counts["late"],
            "page": page,
            "querystring": _querystring(request),
            # Staff issue lists and keep the templates: their way to both pages.
            "is_staff": is_staff_member(request.user),
        },
    )


def _checklist_or_404(request: HttpRequest, pk: int) -> ResponsibilityList:
    return get_visible_or_404(
        ResponsibilityList.objects.select_related(
            "organization", "secretary", "reviewed_by", "template"
        ),
        request.user,
        pk=pk,
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = _checklist_or_404(request, pk)
    reviewer = can_review(request.user, checklist)
    if request.method == "POST" and not reviewer:
        raise PermissionDenied
    items = list(checklist.items.select_related("rectification").prefetch_related("evidence"))
    conflict = ""
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST, items=items)
        if form.is_valid():
            decision = form.cleaned_data.get("decision") or "save"
            try:
                checklist_review(
                    user=request.user,
                    checklist=checklist,
                    scores=form.scores(),
                    decision=decision,
                    expected_revision=form.cleaned_data["revision"],
                )
            except ReviewConflict as exc:
                conflict = exc.messages[0]
                status = 409  # as on the secretary's page
            except ValidationError as exc:
                status = 400
                form.add_service_error(exc)
            else:
                messages.success(request, DONE_MESSAGES[decision])
                return redirect("checklists:review", pk=checklist.pk)
        else:
            status = 400
        # The failed write changed nothing; reload what is stored for the page around it.
        checklist = _checklist_or_404(request, pk)
    else:
        form = ReviewForm(items=items, initial={"revision": checklist.revision})
    changes = changes_since_last_submission(checklist)
    return render(
        request,
        "checklists/reviewing/review.html",
        {
            "checklist": checklist,
            "form": form,
            "rows": [(*row, changes.get(row[0].pk)) for row in form.rows()],
            "changes": changes,
            # A refused post keeps its inputs on the page whatever the list's status now,
            # so that nothing the reviewer typed is lost.
            "can_score": reviewer and (checklist.status == ListStatus.SUBMITTED or form.is_bound),
            # The secretary sees scores and 需整改 once approved, reasons once sent back.
            "provisional": sees_provisional_review(request.user, checklist),
            "conflict": conflict,
        },
        status=status,
    )


@login_required
def rectifications(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = RectificationFilterForm(request.GET)
    show = form.show_value()
    page = Paginator(
        rectifications_for_user(request.user, today=today, show=show), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = [
        {
            "rectification": r,
            "overdue": r.status == RectificationStatus.OPEN and r.deadline < today,
            "can_report": r.status != RectificationStatus.CLOSED
            and can_report_rectification(request.user, r),
            "can_close": r.status != RectificationStatus.CLOSED
            and can_close_rectification(request.user, r),
            "can_edit": r.status != RectificationStatus.CLOSED
            and can_edit_rectification(request.user, r),
        }
        for r in page.object_list
    ]
    return render(
        request,
        "checklists/reviewing/rectifications.html",
        {
            "form": form,
            "show": show,
            "page": page,
            "rows": rows,
            "querystring": _querystring(request),
        },
    )


def _rectification_or_404(request: HttpRequest, pk: int) -> Rectification:
    return get_visible_or_404(
        Rectification.objects.select_related("item__checklist__organization"),
        request.user,
        pk=pk,
    )


@login_required
@require_POST
def rectification_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    rectification = _rectification_or_404(request, pk)
    if not can_report_rectification(request.user, rectification):
        raise PermissionDenied
    try:
        # The service checks the text and answers with a message naming the field.
        rectification_report(
            user=request.user, rectification=rectification, report=request.POST.get("report", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已报告整改情况，等待组织部销号。"))
    return redirect("checklists:rectifications")


@login_required
@require_POST
def rectification_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    rectification = _rectification_or_404(request, pk)
    if not can_close_rectification(request.user, rectification):
        raise PermissionDenied
    try:
        rectification_close(user=request.user, rectification=rectification)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已销号。"))
    return redirect("checklists:rectifications")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rectification_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer changes the requirement, deadline or responsible person."""
    rectification = _rectification_or_404(request, pk)
    if not can_edit_rectification(request.user, rectification):
        raise PermissionDenied
    if rectification.status == RectificationStatus.CLOSED:
        messages.error(request, _("该整改事项已销号，不能再修改。"))
        return redirect("checklists:rectifications")
    status = 200
    if request.method == "POST":
        form = RectificationForm(request.POST)
        if form.is_valid():
            try:
                rectification_update(
                    user=request.user, rectification=rectification, **form.service_kwargs()
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("已修改整改事项。"))
                return redirect(f"{reverse('checklists:rectifications')}#rect-{rectification.pk}")
        status = 400
    else:
        form = RectificationForm.for_rectification(rectification)
    return render(
        request,
        "checklists/reviewing/rectification_edit.html",
        {"rectification": rectification, "form": form, "today": timezone.localdate()},
        status=status,
    )


urlpatterns = [
    path("review/", review_list, name="review_list"),
    path("review/<int:pk>/", review, name="review"),
    path("rectifications/", rectifications, name="rectifications"),
    path(
        "rectifications/<int:pk>/report/",
        rectification_report_view,
        name="rectification_report",
    ),
    path("rectifications/<int:pk>/close/", rectification_close_view, name="rectification_close"),
    path("rectifications/<int:pk>/edit/", rectification_edit_view, name="rectification_edit"),
]
