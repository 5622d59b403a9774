"""Portal pages of the weak-and-lax (软弱涣散) register: the list with filters and counts,
an entry with its history, registering, editing, closing, the follow-up check, export.

Everyone with a role reads the register of their subtree; only staff with write scope on
the organisation change it (403 for the others), and an entry outside the user's scope
does not exist for them (404).
"""

from __future__ import annotations

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orgs.models import Organization
from orgs.options import visible_org_options
from orgs.scope import can_edit_path, get_visible_or_404, has_role, is_staff_member
from orgs.selectors import visible_ancestors
from portal.exporting import FORMATS, dataset_download

from ..choices import WeakLaxStatus
from ..models import WeakLaxEntry
from .export import EXPORT_HEADERS, export_rows
from .forms import CloseForm, EntryForm, RegisterFilterForm, ReviewForm
from .selectors import (
    OVERDUE,
    entry_history,
    filter_register,
    is_overdue,
    register_years,
    registered_on,
    situation_labels,
    summary_of,
)

PAGE_SIZE = 50


def _filter_form(request: HttpRequest, scoped) -> RegisterFilterForm:
    return RegisterFilterForm(
        request.GET,
        organizations=visible_org_options(request.user),
        years=register_years(scoped),
    )


def _status_links(querystring: QueryDict, summary) -> list[dict]:
    """Each status's count (other filters applied), linking to the list narrowed to it."""
    items = [
        ("", _("全部"), summary.total, ""),
        (WeakLaxStatus.RECTIFYING, WeakLaxStatus.RECTIFYING.label, summary.rectifying, ""),
        (OVERDUE, _("逾期未销号"), summary.overdue, "danger"),
        (WeakLaxStatus.CLOSED, WeakLaxStatus.CLOSED.label, summary.closed, ""),
        (WeakLaxStatus.REVIEW, WeakLaxStatus.REVIEW.label, summary.reviewed, ""),
    ]
    links = []
    for status, label, count, tone in items:
        params = querystring.copy()
        params.pop("status", None)
        if status:
            params["status"] = status
        links.append(
            {
                "status": status,
                "label": label,
                "count": count,
                "tone": tone,
                "url": f"?{params.urlencode()}",
            }
        )
    return links


@login_required
def register_list(request: HttpRequest) -> HttpResponse:
    scoped = WeakLaxEntry.objects.visible_to(request.user)
    form = _filter_form(request, scoped)
    filters = form.filter_kwargs()
    today = timezone.localdate()
    # The counts ignore the status filter, so that each one links to its status.
    summary = summary_of(filter_register(scoped, **{**filters, "status": ""}), today)
    entries = filter_register(scoped, **filters, today=today).select_related("organization")
    page = Paginator(entries.order_by("-year", "organization__path", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for entry in page.object_list:
        entry.overdue = is_overdue(entry, today)
        entry.situation_labels = situation_labels(entry.situations)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "assessments/register/list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring,
            "summary": summary,
            "status_links": _status_links(querystring, summary),
            "current_status": filters["status"],
            "export_query": querystring.urlencode(),
            "can_create": is_staff_member(request.user),
        },
    )


def _entry_or_404(request: HttpRequest, pk: int) -> WeakLaxEntry:
    return get_visible_or_404(
        WeakLaxEntry.objects.select_related("organization", "created_by"), request.user, pk=pk
    )


def _editable_entry(request: HttpRequest, pk: int) -> WeakLaxEntry:
    """The entry if the user may change it; 404 outside their scope, 403 read-only."""
    entry = _entry_or_404(request, pk)
    if not can_edit_path(request.user, entry.organization.path):
        raise PermissionDenied
    return entry


def _entry_url(entry: WeakLaxEntry, anchor: str = "") -> str:
    return reverse("assessments:register_entry", args=[entry.pk]) + anchor


def _render_detail(
    request: HttpRequest,
    entry: WeakLaxEntry,
    *,
    close_form: CloseForm | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = can_edit_path(request.user, entry.organization.path)
    history, more_history = entry_history(entry=entry)
    context = {
        "entry": entry,
        "ancestors": visible_ancestors(request.user, entry.organization),
        "situations": situation_labels(entry.situations),
        "overdue": is_overdue(entry),
        "registered_on": registered_on(entry),
        "history": history,
        "more_history": more_history,
        "can_edit": can_edit,
    }
    # A refused form is shown with its errors even if the status no longer offers it.
    open_entry = entry.status == WeakLaxStatus.RECTIFYING
    if close_form or (can_edit and open_entry):
        context["close_form"] = close_form or CloseForm(user=request.user, entry=entry)
    if review_form or (can_edit and not open_entry):
        context["review_form"] = review_form or ReviewForm(user=request.user, entry=entry)
    return render(request, "assessments/register/detail.html", context, status=status)


@login_required
def register_entry(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _entry_or_404(request, pk))


@login_required
def register_create(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    initial = {}
    if code := request.GET.get("org"):
        initial["organization"] = (
            Organization.objects.editable_by(request.user).filter(code=code).first()
        )
    form = EntryForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        entry = form.save()
        if entry is not None:
            messages.success(
                request,
                _("已登记“%(org)s”%(year)d 年软弱涣散整顿台账，该组织已标记为软弱涣散。")
                % {"org": entry.organization.name, "year": entry.year},
            )
            return redirect(_entry_url(entry))
    return render(request, "assessments/register/form.html", {"form": form, "entry": None})


@login_required
def register_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _editable_entry(request, pk)
    form = EntryForm(request.POST or None, user=request.user, entry=entry)
    if request.method == "POST" and form.save() is not None:
        messages.success(request, _("已保存台账的修改。"))
        return redirect(_entry_url(entry))
    return render(request, "assessments/register/form.html", {"form": form, "entry": entry})


@login_required
@require_POST
def register_close(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _editable_entry(request, pk)
    form = CloseForm(request.POST, user=request.user, entry=entry)
    if form.save() is not None:
        if _still_flagged(entry):
            message = _("已销号；该组织另有整顿中的台账，仍标记为软弱涣散。")
        else:
            message = _("已销号，“%(org)s”不再标记为软弱涣散。") % {"org": entry.organization.name}
        messages.success(request, message)
        return redirect(_entry_url(entry))
    return _render_detail(request, entry, close_form=form, status=400)


def _still_flagged(entry: WeakLaxEntry) -> bool:
    return Organization.objects.filter(pk=entry.organization_id, is_weak_and_lax=True).exists()


@login_required
@require_POST
def register_review(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _editable_entry(request, pk)
    form = ReviewForm(request.POST, user=request.user, entry=entry)
    updated = form.save()
    if updated is not None:
        if updated.status == WeakLaxStatus.RECTIFYING:
            messages.warning(
                request,
                _("回头看未通过：台账回到“整顿中”，“%(org)s”重新标记为软弱涣散。请更新整顿期限。")
                % {"org": entry.organization.name},
            )
        else:
            messages.success(request, _("已记录回头看结果。"))
        return redirect(_entry_url(entry))
    return _render_detail(request, entry, review_form=form, status=400)


@login_required
def register_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS or not has_role(request.user):
        raise Http404
    scoped = WeakLaxEntry.objects.visible_to(request.user)
    if code := request.GET.get("org"):
        # Outside the user's scope: never confirm that it exists.
        get_visible_or_404(Organization.objects.all(), request.user, code=code)
    form = _filter_form(request, scoped)
    entries = filter_register(scoped, **form.filter_kwargs()).order_by(
        "-year", "organization__path", "pk"
    )
    dataset = tablib.Dataset(headers=list(EXPORT_HEADERS), title=_("软弱涣散整顿台账"))
    for row in export_rows(entries):
        dataset.append(row)
    return dataset_download(dataset, fmt, f"weak-lax-{timezone.localdate():%Y%m%d}.{fmt}")


urlpatterns = [
    path("weak-lax/", register_list, name="register"),
    path("weak-lax/new/", register_create, name="register_create"),
    path("weak-lax/export/", register_export, name="register_export"),
    path("weak-lax/<int:pk>/", register_entry, name="register_entry"),
    path("weak-lax/<int:pk>/edit/", register_edit, name="register_edit"),
    path("weak-lax/<int:pk>/close/", register_close, name="register_close"),
    path("weak-lax/<int:pk>/review/", register_review, name="register_review"),
]
