"""Portal pages: issuing the quarter's lists (staff) and maintaining the templates
(county staff)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.numbers import round_tenth
from core.periods import Quarter
from orgs.scope import is_staff_member

from ..forms.templates import IssueForm, TemplateCreateForm, TemplateItemForm
from ..issuing import issuing_tops
from ..models import ChecklistTemplate, TemplateItem
from ..tasks import enqueue_issue
from ..template_choice import FULL_MARKS, choose_templates, current_templates
from ..template_editing import (
    can_maintain_templates,
    item_delete,
    next_position,
    template_copy,
    template_create,
    template_for_editing,
    template_in_use,
)


def _templates_with_totals(templates) -> list[ChecklistTemplate]:
    for template in templates:
        # SQLite sums decimals as numbers: show one decimal place like the items do.
        template.total = round_tenth(template.total_points or 0)
        template.complete = template.total == FULL_MARKS
    return templates


def _templates_for(year: int) -> list[ChecklistTemplate]:
    """Per level, the template `year` issues from, and the templates that hold it up:
    a level with no template of 100 points (nothing issued), a newer version still
    being edited (the older one is used meanwhile)."""
    choice = choose_templates(year)
    rows = []
    for role, templates in (
        ("current", choice.current.values()),
        ("invalid", choice.invalid),
        ("skipped", choice.skipped),
    ):
        for template in templates:
            template.role = role
            template.total = choice.totals[template.pk]
            template.complete = template.total == FULL_MARKS
            rows.append(template)
    return sorted(rows, key=lambda t: (t.level, -t.year, -t.version))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def issue(request: HttpRequest) -> HttpResponse:
    """Issuing runs as a background task (a city's thousands of lists outlast a request):
    the page says it started, the result arrives in the user's notifications."""
    tops = issuing_tops(request.user)
    if not tops:
        raise PermissionDenied
    today = timezone.localdate()
    form = IssueForm(request.POST or None, initial={"quarter": str(Quarter.of(today))})
    if request.method == "POST" and form.is_valid():
        quarter = form.cleaned_data["quarter"]
        enqueue_issue(quarter=quarter, tops=tops, user_id=request.user.pk)
        messages.success(
            request,
            _(
                "已开始下发 %(quarter)s 的责任清单。完成后，新下发和已存在的份数、"
                "没有书记账号的组织会出现在您的站内通知中。"
            )
            % {"quarter": quarter},
        )
        return redirect("checklists:issue")
    return render(
        request,
        "checklists/templates_issue/issue.html",
        {
            "form": form,
            "tops": tops,
            "templates": _templates_for(today.year),
            "year": today.year,
        },
        status=400 if request.method == "POST" else 200,
    )


def _require_staff(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


def _require_maintainer(request: HttpRequest) -> None:
    if not can_maintain_templates(request.user):
        raise PermissionDenied


@login_required
@require_safe
def templates(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    rows = list(
        ChecklistTemplate.objects.annotate(
            total_points=Sum("items__points"),
            item_count=Count("items", distinct=True),
        )
        .order_by("-year", "level", "-version")
        .select_related("copied_from")
    )
    used = set(ChecklistTemplate.objects.filter(lists__isnull=False).values_list("pk", flat=True))
    current = {t.pk for t in current_templates(timezone.localdate().year).values()}
    for template in _templates_with_totals(rows):
        template.in_use = template.pk in used
        template.is_current = template.pk in current
    years: dict[int, list[ChecklistTemplate]] = {}
    for template in rows:
        years.setdefault(template.year, []).append(template)
    return render(
        request,
        "checklists/templates_issue/templates.html",
        {
            "years": years,
            "can_maintain": can_maintain_templates(request.user),
            "create_form": TemplateCreateForm(
                initial={"year": timezone.localdate().year, "copy_current": True}
            ),
        },
    )


@login_required
@require_POST
def template_new(request: HttpRequest) -> HttpResponse:
    _require_maintainer(request)
    form = TemplateCreateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("checklists:templates")
    data = form.cleaned_data
    source = current_templates(data["year"]).get(data["level"]) if data["copy_current"] else None
    if source is not None:
        template = template_copy(
            user=request.user, source=source, year=data["year"], name=data["name"]
        )
    else:
        template = template_create(
            user=request.user, level=data["level"], year=data["year"], name=data["name"]
        )
    messages.success(request, _("已新建模板“%(name)s”。") % {"name": template})
    return redirect("checklists:template", pk=template.pk)


@login_required
@require_safe
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    template = get_object_or_404(ChecklistTemplate.objects.select_related("copied_from"), pk=pk)
    items = list(template.items.order_by("position"))
    total = sum((item.points for item in items), Decimal("0"))
    in_use = template_in_use(template)
    return render(
        request,
        "checklists/templates_issue/template.html",
        {
            "template": template,
            "items": items,
            "total": total,
            "complete": total == FULL_MARKS,
            "in_use": in_use,
            "issued_count": template.lists.count() if in_use else 0,
            "can_maintain": can_maintain_templates(request.user),
        },
    )


@login_required
@require_POST
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Edit": a template already issued from is copied to a new version first."""
    _require_maintainer(request)
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    editable = template_for_editing(user=request.user, template=template)
    if editable.pk != template.pk:
        messages.success(
            request,
            _("已有清单按第 %(old)d 版下发，已复制为第 %(new)d 版，请修改新版本。")
            % {"old": template.version, "new": editable.version},
        )
    return redirect("checklists:template", pk=editable.pk)


def _editable_or_redirect(request: HttpRequest, template: ChecklistTemplate) -> bool:
    if template_in_use(template):
        messages.error(
            request, _("已有清单按此模板下发，不能直接修改；请先“复制为新版本”，再修改新版本。")
        )
        return False
    return True


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_form(request: HttpRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    _require_maintainer(request)
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    if not _editable_or_redirect(request, template):
        return redirect("checklists:template", pk=pk)
    item = (
        get_object_or_404(TemplateItem, pk=item_pk, template=template)
        if item_pk
        else TemplateItem(template=template, position=next_position(template))
    )
    form = TemplateItemForm(
        request.POST or None, instance=item, template=template, user=request.user
    )
    if request.method == "POST" and form.save() is not None:
        messages.success(request, _("已保存第 %(n)d 项。") % {"n": form.instance.position})
        return redirect("checklists:template", pk=pk)
    return render(
        request,
        "checklists/templates_issue/item_form.html",
        {"template": template, "form": form, "item": item if item_pk else None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    _require_maintainer(request)
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    item = get_object_or_404(TemplateItem, pk=item_pk, template=template)
    if not _editable_or_redirect(request, template):
        return redirect("checklists:template", pk=pk)
    if request.method == "POST":
        item_delete(user=request.user, item=item)
        messages.success(request, _("已删除第 %(n)d 项。") % {"n": item.position})
        return redirect("checklists:template", pk=pk)
    return render(
        request,
        "checklists/templates_issue/item_delete.html",
        {"template": template, "item": item},
    )


urlpatterns = [
    path("issue/", issue, name="issue"),
    path("templates/", templates, name="templates"),
    path("templates/new/", template_new, name="template_new"),
    path("templates/<int:pk>/", template_detail, name="template"),
    path("templates/<int:pk>/edit/", template_edit, name="template_edit"),
    path("templates/<int:pk>/items/new/", item_form, name="template_item_new"),
    path("templates/<int:pk>/items/<int:item_pk>/", item_form, name="template_item"),
    path(
        "templates/<int:pk>/items/<int:item_pk>/delete/", item_remove, name="template_item_delete"
    ),
]
