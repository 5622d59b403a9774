"""Portal pages: 标准化规范化 grading of a subtree (figures, per township, the branches'
sheets and stars), one organisation's sheet (view and entry), and the export."""

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
from orgs.models import Organization
from orgs.options import visible_org_options
from orgs.scope import can_edit_path, get_visible_or_404
from orgs.selectors import visible_ancestors
from portal.exporting import FORMATS, dataset_download

from ..filters import OrgYearFilterForm, year_or_404
from ..health.selectors import chosen_or_top
from ..models import FIRST_YEAR, StandardScoreSheet
from .forms import ScoreSheetForm
from .grading import is_scoreable, pass_score, scoreable_label, star_grade, stars_label, stars_text
from .selectors import (
    Overview,
    SheetRow,
    dimensions,
    sheet_points,
    sheet_years,
    standards_overview,
)


def _chosen(request: HttpRequest) -> tuple[OrgYearFilterForm, Organization | None, int]:
    """The organisation asked about (a visible ?org=CODE, else the top of the user's
    scope) and the year (?year=, else this year)."""
    options = visible_org_options(request.user)
    org = chosen_or_top(request.user, request.GET.get("org", ""))
    years = sheet_years(org) if org else [timezone.localdate().year]
    form = OrgYearFilterForm(
        {"org": org.code if org else "", "year": request.GET.get("year") or years[0]},
        organizations=options,
        years=years,
    )
    return form, org, form.chosen_year or timezone.localdate().year


def _change_text(row: SheetRow) -> str:
    change = row.change
    if change is None:
        return _("上年未评分")
    if change > 0:
        return _("比上年提高 %(n)s 分") % {"n": change}
    if change < 0:
        return _("比上年降低 %(n)s 分") % {"n": -change}
    return _("与上年持平")


@login_required
@require_safe
def standards(request: HttpRequest) -> HttpResponse:
    form, org, year = _chosen(request)
    overview: Overview | None = standards_overview(org, year) if org else None
    if overview:
        for row in overview.rows:
            row.change_text = _change_text(row)
    export_query = QueryDict(mutable=True)
    if org:
        export_query.update({"org": org.code, "year": year})
    return render(
        request,
        "assessments/standards/index.html",
        {
            "form": form,
            "org": org,
            "overview": overview,
            "year": year,
            "scoreable_label": scoreable_label(),
            "export_query": export_query.urlencode(),
            "can_edit": bool(org) and can_edit_path(request.user, org.path),
        },
    )


@login_required
def standards_sheet(request: HttpRequest, code: str, year: int) -> HttpResponse:
    organization = get_visible_or_404(Organization.objects.all(), request.user, code=code)
    year_or_404(year)
    can_edit = can_edit_path(request.user, organization.path)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    sheets = {
        s.year: s
        for s in StandardScoreSheet.objects.filter(
            organization=organization, year__in=(year, year - 1)
        ).select_related("assessed_by")
    }
    sheet, previous = sheets.get(year), sheets.get(year - 1)
    configured = dimensions()
    scoreable = is_scoreable(organization)
    form = None
    status = 200
    if scoreable and can_edit:
        form = ScoreSheetForm(
            request.POST if request.method == "POST" else None,
            user=request.user,
            organization=organization,
            year=year,
            dimensions=configured,
            sheet=sheet,
        )
        if request.method == "POST":
            saved = form.save()
            if saved is not None:
                messages.success(
                    request,
                    _("已保存“%(org)s”%(year)d 年评分：%(total)s 分，%(stars)s。")
                    % {
                        "org": organization.name,
                        "year": year,
                        "total": saved.total,
                        "stars": stars_label(star_grade(saved.total)),
                    },
                )
                return redirect(reverse("assessments:standards_sheet", args=[code, year]))
            status = 400
    elif request.method == "POST":
        raise PermissionDenied  # not scoreable: there is no sheet to save
    points = sheet_points(sheet)
    score = pass_score()
    context = {
        "organization": organization,
        "ancestors": visible_ancestors(request.user, organization),
        "year": year,
        "sheet": sheet,
        "previous": previous,
        "lines": [(d, points.get(d.code)) for d in configured],
        "form": form,
        "can_edit": can_edit,
        "scoreable": scoreable,
        "scoreable_label": scoreable_label(),
        "pass_score": score,
        "years": [y for y in (year - 1, year + 1) if FIRST_YEAR <= y <= timezone.localdate().year],
    }
    if sheet:
        stars = star_grade(sheet.total)
        context.update(
            stars=stars,
            stars_text=stars_text(stars),
            passed=sheet.total >= score,
        )
        if previous:
            row = SheetRow(
                organization=organization,
                sheet=sheet,
                stars=stars,
                passed=sheet.total >= score,
                previous_total=previous.total,
                previous_stars=star_grade(previous.total),
            )
            context.update(change=row.change, change_text=_change_text(row))
    return render(request, "assessments/standards/sheet.html", context, status=status)


EXPORT_FIXED = ["组织代码", "组织名称", "组织类别", "年度"]
EXPORT_TAIL = ["总分", "星级", "是否达标", "上年总分", "比上年", "评定日期", "评价意见"]


@login_required
@require_safe
def standards_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    _form, org, year = _chosen(request)
    if org is None:
        raise Http404
    overview = standards_overview(org, year)
    configured = dimensions()
    headers = [
        *EXPORT_FIXED,
        *(f"{d.name}（{d.max_points}）" for d in configured),
        *EXPORT_TAIL,
    ]
    dataset = tablib.Dataset(headers=headers, title=_("标准化规范化评分"))
    for row in overview.rows:
        points = sheet_points(row.sheet)
        values = [
            row.organization.code,
            row.organization.name,
            row.organization.get_kind_display(),
            year,
            *(str(points[d.code]) if d.code in points else "" for d in configured),
            str(row.total),
            stars_label(row.stars),
            _("达标") if row.passed else _("未达标"),
            "" if row.previous_total is None else str(row.previous_total),
            _change_text(row),
            row.sheet.assessed_on.isoformat(),
            row.sheet.comment,
        ]
        dataset.append([escape_cell(value) for value in values])
    return dataset_download(dataset, fmt, f"standards-{org.code}-{year}.{fmt}")


urlpatterns = [
    path("standards/", standards, name="standards"),
    path("standards/export/", standards_export, name="standards_export"),
    path("standards/<str:code>/<year:year>/", standards_sheet, name="standards_sheet"),
]
