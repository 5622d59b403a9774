"""Portal pages: the annual 述职评议 of secretaries for a subtree and a year (suggested and
given grades, export) and one organisation's review (the suggestion's figures, the form)."""

from __future__ import annotations

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.cell_escaping import escape_cell
from core.history import history_entries
from orgs.models import Organization
from orgs.options import visible_org_options
from orgs.scope import get_visible_or_404
from orgs.selectors import visible_ancestors
from portal.exporting import FORMATS, dataset_download

from ..filters import OrgYearFilterForm, year_or_404
from ..health.selectors import chosen_or_top
from ..models import SecretaryReview
from .forms import SecretaryReviewForm
from .selectors import grade_counts, review_rows
from .services import can_review
from .suggestion import evaluation_day, suggestions_for, weights


def _chosen(request: HttpRequest) -> tuple[OrgYearFilterForm, Organization | None, int]:
    """The organisation asked about (a visible ?org=CODE, else the top of the user's
    scope) and the year (?year=, else this year; the same selector as the standards page)."""
    this_year = timezone.localdate().year
    org = chosen_or_top(request.user, request.GET.get("org", ""))
    years = list(range(this_year, this_year - 6, -1))
    form = OrgYearFilterForm(
        {"org": org.code if org else "", "year": request.GET.get("year") or this_year},
        organizations=visible_org_options(request.user),
        years=years,
    )
    return form, org, form.chosen_year or this_year


@login_required
@require_safe
def reviews(request: HttpRequest) -> HttpResponse:
    form, org, year = _chosen(request)
    rows = review_rows(org, year) if org else []
    export_query = QueryDict(mutable=True)
    if org:
        export_query.update({"org": org.code, "year": year})
    return render(
        request,
        "assessments/secretary_reviews/index.html",
        {
            "form": form,
            "org": org,
            "year": year,
            "rows": rows,
            "counts": grade_counts(rows),
            "reviewed": sum(1 for r in rows if r.review),
            "weights": weights(),
            "evaluated_on": evaluation_day(year),
            "export_query": export_query.urlencode(),
        },
    )


@login_required
def review_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    organization = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    year_or_404(year)
    allowed = can_review(request.user, organization)
    if request.method == "POST" and not allowed:
        raise PermissionDenied
    review = (
        SecretaryReview.objects.filter(organization=organization, year=year)
        .select_related("reviewed_by")
        .first()
    )
    suggestion = suggestions_for(organization, year, reviewed=[organization])[organization.id]
    form = None
    status = 200
    if allowed:
        form = SecretaryReviewForm(
            request.POST if request.method == "POST" else None,
            user=request.user,
            organization=organization,
            year=year,
            review=review,
            suggested=suggestion.grade,
        )
        if request.method == "POST":
            saved = form.save()
            if saved is not None:
                messages.success(
                    request,
                    _("已保存“%(org)s”%(year)d 年书记述职评议：%(grade)s。")
                    % {"org": organization.name, "year": year, "grade": saved.get_grade_display()},
                )
                return redirect(reverse("assessments:review_detail", args=[code, year]))
            status = 400
    history, more_history = history_entries(review.history) if review else ([], False)
    return render(
        request,
        "assessments/secretary_reviews/detail.html",
        {
            "organization": organization,
            "ancestors": visible_ancestors(request.user, organization),
            "year": year,
            "review": review,
            "suggestion": suggestion,
            "weights": weights(),
            "evaluated_on": evaluation_day(year),
            "form": form,
            "can_review": allowed,
            "history": history,
            "more_history": more_history,
        },
        status=status,
    )


EXPORT_HEADERS = [
    "组织代码",
    "组织名称",
    "书记",
    "年度",
    "已审核清单",
    "清单平均分",
    "严重问题",
    "提醒",
    "组织体检分",
    "建议综合分",
    "建议等次",
    "评定等次",
    "评议意见",
    "评定人",
    "评定时间",
]


@login_required
@require_safe
def reviews_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    _form, org, year = _chosen(request)
    if org is None:
        raise Http404
    dataset = tablib.Dataset(headers=EXPORT_HEADERS, title=_("书记述职评议"))
    for row in review_rows(org, year):
        s, r = row.suggestion, row.review
        values = [
            row.organization.code,
            row.organization.name,
            (r.secretary_name if r else row.organization.secretary_name) or "",
            year,
            f"{s.approved_lists}/{s.issued_lists}",
            "" if s.list_average is None else str(s.list_average),
            s.danger,
            s.warning,
            str(s.health_score),
            "" if s.score is None else str(s.score),
            s.grade_label,
            r.get_grade_display() if r else "",
            r.comment if r else "",
            r.reviewed_by.display_name if r and r.reviewed_by else "",
            timezone.localtime(r.reviewed_at).strftime("%Y-%m-%d %H:%M") if r else "",
        ]
        dataset.append([escape_cell(value) for value in values])
    return dataset_download(dataset, fmt, f"secretary-reviews-{org.code}-{year}.{fmt}")


urlpatterns = [
    path("reviews/", reviews, name="reviews"),
    path("reviews/export/", reviews_export, name="reviews_export"),
    path("reviews/<str:code>/<year:year>/", review_detail, name="review_detail"),
]
