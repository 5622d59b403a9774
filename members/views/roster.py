"""Portal pages of the member roster: list, detail, create/edit, export and the export log."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.counting import CachedCountPaginator
from core.downloads import download_response
from core.pagination import SingleScanPaginator
from core.registry import get_kind
from core.sorting import sort_links
from core.submissions import REPEATED_MESSAGE, RepeatedSubmission, earlier_result
from orgs.models import Organization
from orgs.options import visible_org_options
from orgs.scope import can_edit_path, get_visible_or_404, has_role, is_staff_member
from orgs.selectors import visible_ancestors
from portal.exporting import FORMATS, export_file
from portal.models import ExportChannel, ExportLog

from ..filters import MemberFilterForm, filter_members
from ..forms.roster import MemberForm
from ..history import member_history
from ..identity import mask_id_number
from ..models import Member
from ..permissions import can_view_full_personal_data
from ..services.appraisals import member_appraisals
from ..services.roster import EditConflict, member_create, member_update
from ..signals import full_data_viewed

PAGE_SIZE = 50
SORTABLE_COLUMNS = ("name", "org", "age", "joined")


def _filter_form(request: HttpRequest) -> MemberFilterForm:
    return MemberFilterForm(
        request.GET,
        organizations=visible_org_options(request.user),
        partial_id_search=can_view_full_personal_data(request.user),
    )


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.filter_kwargs()
    members = filter_members(
        Member.objects.visible_to(request.user).select_related("organization"), **filters
    )
    if filters["q"]:
        # A search's matches (through the name index on PostgreSQL) are counted in the same
        # query as the page rows.
        paginator = SingleScanPaginator(members, PAGE_SIZE)
    else:
        # Up to a whole city's members: the total is kept until they change.
        paginator = CachedCountPaginator(members, PAGE_SIZE, depends_on=(Member, Organization))
    page = paginator.get_page(request.GET.get("page"))
    show_full = can_view_full_personal_data(request.user)
    if show_full:
        page.object_list = list(page.object_list)  # read once, for the page and the trail
        full_data_viewed.send(Member, request=request, members=page.object_list, page="list")
    querystring = request.GET.copy()
    querystring.pop("page", None)
    export_params = querystring.copy()
    export_params.pop("sort", None)
    return render(
        request,
        "members/roster/list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring,
            "export_query": export_params.urlencode(),
            "export_org": form.org_option,
            "sorting": sort_links(querystring, filters["sort"], SORTABLE_COLUMNS),
            "show_full": show_full,
            "can_create": is_staff_member(request.user),
        },
    )


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=pk)
    history, more_history = member_history(member=member, user=request.user)
    show_full = can_view_full_personal_data(request.user)
    if show_full:
        # The page shows the full ID number and phone: the audit trail records it.
        full_data_viewed.send(Member, request=request, members=[member], page="detail")
    return render(
        request,
        "members/roster/detail.html",
        {
            "member": member,
            "ancestors": visible_ancestors(request.user, member.organization),
            "show_full": show_full,
            "can_edit": can_edit_path(request.user, member.organization.path),
            "history": history,
            "more_history": more_history,
            "appraisals": member_appraisals(member),
        },
    )


def _save_form(request: HttpRequest, form: MemberForm, save: Any) -> Member | None:
    """Run the service on a valid form; its refusals become form errors."""
    if request.method != "POST" or not form.is_valid():
        return None
    extra = {"submission": form.cleaned_data["submission"]} if "submission" in form.fields else {}
    try:
        return save(
            user=request.user,
            member=form.save(commit=False),
            reason=form.cleaned_data.get("change_reason", ""),
            **extra,
        )
    except EditConflict as exc:
        form.conflict = True
        form.add_error(None, exc.messages)
    except ValidationError as exc:
        form.add_service_error(exc)
    except PermissionDenied as exc:
        form.add_error("organization", str(exc))
    return None


@login_required
def member_create_view(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    initial = {}
    if code := request.GET.get("org"):
        initial["organization"] = (
            Organization.objects.editable_by(request.user).filter(code=code).first()
        )
    if request.method == "POST" and (done := earlier_result(request.POST)) is not None:
        messages.info(request, REPEATED_MESSAGE)
        return redirect(done or "members:list")
    form = MemberForm(request.POST or None, user=request.user, initial=initial)
    try:
        member = _save_form(request, form, member_create)
    except RepeatedSubmission as repeat:
        messages.info(request, REPEATED_MESSAGE)
        return redirect(repeat.url or "members:list")
    if member is not None:
        messages.success(request, _("已新增党员“%(name)s”。") % {"name": member.name})
        return redirect(member)
    return render(request, "members/roster/form.html", {"form": form, "member": None})


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=pk)
    if not can_edit_path(request.user, member.organization.path):
        raise PermissionDenied
    form = MemberForm(request.POST or None, user=request.user, instance=member)
    saved = _save_form(request, form, partial(member_update, loaded_version=_loaded(form)))
    if saved is not None:
        messages.success(request, _("已保存“%(name)s”的修改。") % {"name": saved.name})
        return redirect(saved)
    status = 200
    if request.method == "POST":
        # Validation changed the instance; the heading shows the stored name and place.
        member.refresh_from_db()
        status = 409 if form.conflict else 200
    return render(
        request, "members/roster/form.html", {"form": form, "member": member}, status=status
    )


def _loaded(form: MemberForm) -> datetime.datetime | None:
    """The version the editor started from (absent or garbled: no check, as before)."""
    raw = form.data.get("loaded_version", "") if form.is_bound else ""
    try:
        return datetime.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def member_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS or not has_role(request.user):
        raise Http404
    form = _filter_form(request)
    if "org" in form.errors:
        # An organisation outside the user's scope: never confirm that it exists.
        raise Http404
    option = form.org_option
    org = Organization.objects.visible_to(request.user).get(code=option.code) if option else None
    filters = form.filter_kwargs()
    content, _rows = export_file(
        "members",
        fmt,
        user=request.user,
        org=org,
        channel=ExportChannel.PAGE,
        narrow=lambda queryset: filter_members(queryset, **filters),
        conditions=_describe_filters(form),
    )
    filename = f"members-{option.code if option else 'all'}-{timezone.localdate():%Y%m%d}.{fmt}"
    return download_response(content, filename)


def _describe_filters(form) -> str:
    """The page's filters in words, for the export log ("性别：女；学历：大学本科")."""
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in ("org", "sort") or value in (None, ""):
            continue
        choices = dict(getattr(field, "choices", ()) or ())
        shown = choices.get(value, value)
        if name == "q" and any(ch.isdigit() for ch in str(value)):
            # The log is read by other staff: never a full ID number from a search.
            shown = mask_id_number(str(value)) if len(str(value)) > 8 else str(value)
        parts.append(f"{field.label}：{shown}")
    return "；".join(parts)


@login_required
def export_log(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    logs = ExportLog.objects.visible_to(request.user).select_related("user", "organization")
    page = Paginator(logs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for log in page.object_list:
        try:
            kind_label = get_kind(log.kind).label
        except KeyError:
            kind_label = log.kind
        rows.append((log, kind_label))
    return render(request, "members/roster/export_log.html", {"page": page, "rows": rows})


urlpatterns = [
    path("", member_list, name="list"),
    path("<int:pk>/", member_detail, name="detail"),
    path("new/", member_create_view, name="create"),
    path("<int:pk>/edit/", member_edit, name="edit"),
    path("export/", member_export, name="export"),
    path("export-log/", export_log, name="export_log"),
]
