"""Portal pages of 选派干部: a village's or community's postings (add, change, end), and
every posting of the user's subtree (filters, export). Also what the pages of the people
around the teams share: the page's organisation, the village-only answer, the audit of
numbers shown in full and the logged export of a page's table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.submissions import REPEATED_MESSAGE, RepeatedSubmission, earlier_result
from members.permissions import can_view_full_personal_data
from members.signals import full_data_viewed
from orgs.models import Organization
from orgs.options import visible_org_options
from orgs.scope import can_edit_path, get_visible_or_404, has_role
from orgs.selectors import visible_ancestors
from portal.exporting import FORMATS, dataset_download, log_export
from portal.models import ExportChannel

from ..forms.postings import PostingEndForm, PostingFilterForm, PostingForm
from ..models import Posting
from ..people_selectors import filter_postings, person_history, posting_rows, postings_of
from ..renewal import is_village_or_community
from ..services.postings import end_posting, save_posting

PAGE_SIZE = 50


# --- shared by the pages of the people around the teams ---------------------------------
def page_org(request: HttpRequest, code: str) -> Organization:
    """The organisation of the page: 404 outside the user's scope (never 403, which would
    confirm that it exists)."""
    return get_visible_or_404(Organization.objects.all(), request.user, code=code)


#: an organisation's people pages (route name, link text, for villages only), and the
#: pages of one record under each
ORG_PAGES = (
    ("candidates", _lazy("换届人选"), True),
    ("reserves", _lazy("后备干部"), False),
    ("postings", _lazy("选派干部"), True),
    ("pay", _lazy("村干部报酬"), True),
)
RECORD_PAGES = {
    "candidate": "candidates",
    "candidate_delete": "candidates",
    "reserve": "reserves",
    "posting": "postings",
    "pay_row": "pay",
}


def org_context(request: HttpRequest, org: Organization, **context: Any) -> dict[str, Any]:
    """What every organisation page of the people shows: breadcrumbs and the links
    between the pages of the organisation (url, text, whether it is this page)."""
    village = is_village_or_community(org)
    here = request.resolver_match.url_name if request.resolver_match else ""
    here = RECORD_PAGES.get(here, here)
    return {
        "org": org,
        "ancestors": visible_ancestors(request.user, org),
        "is_village": village,
        "can_edit": can_edit_path(request.user, org.path),
        "org_pages": [
            (reverse(f"teams:{name}", args=[org.code]), label, name == here)
            for name, label, villages_only in ORG_PAGES
            if village or not villages_only
        ],
        **context,
    }


def village_only(request: HttpRequest, org: Organization, title: str) -> HttpResponse:
    """The answer of a village's page asked of another organisation: what the page is
    for, and where its subtree's records are. There is nothing to post to."""
    if request.method == "POST":
        raise Http404
    below = f"?{urlencode({'org': org.code})}"
    return render(
        request,
        "teams/postings/village_only.html",
        org_context(
            request,
            org,
            title=title,
            postings_url=reverse("teams:postings_all") + below,
            candidates_url=reverse("teams:candidates_all") + below,
        ),
    )


def may_edit_or_403(request: HttpRequest, org: Organization) -> bool:
    """Whether the user may change the organisation's people; a post without it is
    refused (403: the user already sees the organisation)."""
    may_edit = can_edit_path(request.user, org.path)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    return may_edit


def record_full_view(request: HttpRequest, model: type[Model], records: Sequence[Any], page: str):
    """The page showed these records' ID numbers in full: the audit trail records it, as
    the roster's pages do (page "list" or "detail")."""
    if records:
        full_data_viewed.send(model, request=request, members=list(records), page=page)


@dataclass(frozen=True)
class PageTable:
    """A page's table in the export log; `portal.exporting.log_export` reads its name."""

    name: str


def personal_download(
    request: HttpRequest,
    *,
    table: str,
    dataset: tablib.Dataset,
    fmt: str,
    filename: str,
    org: Organization | None,
    unmasked: bool,
    conditions: str,
) -> HttpResponse:
    """A page's table of personal data as a file, logged like every export of personal
    data (portal.exporting.log_export, which the audit trail follows)."""
    log_export(
        PageTable(table),
        user=request.user,
        org=org,
        rows=len(dataset),
        unmasked=unmasked,
        channel=ExportChannel.PAGE,
        fmt=fmt,
        conditions=conditions,
    )
    return dataset_download(dataset, fmt, filename)


def describe_filters(form: Any, skip: Sequence[str] = ("org",)) -> str:
    """A list's filters in words for the export log ("类别：第一书记；状态：在岗"); a
    searched ID number never appears in full."""
    parts = []
    for name, field in form.fields.items():
        value = form.value(name)
        if name in skip or not value:
            continue
        shown = dict(getattr(field, "choices", ()) or ()).get(value, value)
        if name == "q" and any(ch.isdigit() for ch in value):
            shown = _("身份证号码")
        parts.append(f"{field.label}：{shown}")
    return "；".join(parts)


def save_page_form(request: HttpRequest, form: Any, save: Any, **kwargs: Any) -> Any:
    """Run `save` (a service) on a valid posted form; its refusals become form errors,
    and a repeat of an add form answers RepeatedSubmission to the caller. None when
    nothing was saved."""
    if not form.is_valid():
        return None
    if "submission" in form.fields:
        kwargs["submission"] = form.cleaned_data["submission"]
    try:
        return save(user=request.user, **kwargs)
    except ValidationError as exc:
        form.add_service_error(exc)
    return None


def add_page(
    request: HttpRequest, form: Any, save: Any, *, record_arg: str, fallback: str
) -> tuple[Any, HttpResponse | None]:
    """Handle the add form of an organisation page: a repeat goes to what the first post
    saved; a saved record to its page. Returns (the saved record, the redirect) or
    (None, None) with the form's errors filled in."""
    if (done := earlier_result(request.POST)) is not None:
        messages.info(request, REPEATED_MESSAGE)
        return None, redirect(done or fallback)
    if not form.is_valid():
        return None, None
    try:
        record = save_page_form(request, form, save, **{record_arg: form.instance})
    except RepeatedSubmission as repeat:
        messages.info(request, REPEATED_MESSAGE)
        return None, redirect(repeat.url or fallback)
    return record, None


# --- postings ----------------------------------------------------------------------------
POSTINGS_TITLE = _lazy("选派干部")


@login_required
def postings(request: HttpRequest, code: str) -> HttpResponse:
    org = page_org(request, code)
    if not is_village_or_community(org):
        return village_only(request, org, str(POSTINGS_TITLE))
    may_edit = may_edit_or_403(request, org)
    today = timezone.localdate()
    page_url = reverse("teams:postings", args=[org.code])
    form = None
    if may_edit:
        form = PostingForm(
            request.POST or None,
            user=request.user,
            instance=Posting(organization=org),
            initial={"started_on": today},
        )
    if request.method == "POST":
        posting, response = add_page(
            request, form, save_posting, record_arg="posting", fallback=page_url
        )
        if response is not None:
            return response
        if posting is not None:
            messages.success(
                request,
                _("已登记%(kind)s“%(name)s”。")
                % {"kind": posting.get_kind_display(), "name": posting.name},
            )
            return redirect(page_url)
    rows = postings_of(org, today=today)
    show_full = can_view_full_personal_data(request.user)
    if show_full:
        record_full_view(request, Posting, [r.posting for r in rows], "list")
    return render(
        request,
        "teams/postings/list.html",
        org_context(request, org, rows=rows, form=form, show_full=show_full),
    )


@login_required
def posting(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = get_visible_or_404(
        Posting.objects.select_related("organization"), request.user, pk=pk, organization__code=code
    )
    org = found.organization
    if not can_edit_path(request.user, org.path):
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    form = PostingForm(
        request.POST if action == "edit" else None, user=request.user, instance=found
    )
    end_form = PostingEndForm(
        request.POST if action == "end" else None,
        initial={"ended_on": found.ended_on or timezone.localdate()},
    )
    saved = None
    if action == "edit":
        saved = save_page_form(request, form, save_posting, posting=form.instance)
    elif action == "end" and end_form.is_valid():
        ended_on = end_form.cleaned_data["ended_on"]
        saved = save_page_form(request, end_form, end_posting, posting=found, ended_on=ended_on)
    if saved is not None:
        messages.success(request, _("已保存“%(name)s”的选派信息。") % {"name": saved.name})
        return redirect("teams:posting", code=org.code, pk=saved.pk)
    if request.method == "POST":
        found.refresh_from_db()  # the heading shows what is stored
    if form.shows_full_id_number:
        record_full_view(request, Posting, [found], "detail")
    history, more_history = person_history(found.history, user=request.user)
    return render(
        request,
        "teams/postings/form.html",
        org_context(
            request,
            org,
            posting=found,
            form=form,
            end_form=end_form,
            history=history,
            more_history=more_history,
        ),
    )


# --- the subtree's list ------------------------------------------------------------------
def _filtered(request: HttpRequest) -> tuple[PostingFilterForm, Organization | None, Any, bool]:
    unmasked = can_view_full_personal_data(request.user)
    form = PostingFilterForm(
        request.GET, organizations=visible_org_options(request.user), unmasked=unmasked
    )
    code = form.value("org")
    org = Organization.objects.visible_to(request.user).get(code=code) if code else None
    status = form.value("status")
    queryset = filter_postings(
        Posting.objects.visible_to(request.user),
        today=timezone.localdate(),
        org=org,
        q=form.value("q"),
        kind=form.value("kind"),
        status="" if status == "all" else status,
        unmasked=unmasked,
    )
    return form, org, queryset, unmasked


@login_required
def postings_all(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user):
        raise PermissionDenied
    form, org, queryset, unmasked = _filtered(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = posting_rows(page.object_list, today=timezone.localdate())
    if unmasked:
        record_full_view(request, Posting, [r.posting for r in rows], "list")
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "teams/postings/all.html",
        {
            "form": form,
            "org": org,
            "page": page,
            "rows": rows,
            "show_full": unmasked,
            "querystring": querystring,
            "export_query": querystring.urlencode(),
        },
    )


EXPORT_HEADERS = [
    "组织代码",
    "组织名称",
    "姓名",
    "公民身份号码",
    "类别",
    "派出单位",
    "开始日期",
    "结束日期",
    "状态",
]


@login_required
def postings_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS or not has_role(request.user):
        raise Http404
    form, org, queryset, unmasked = _filtered(request)
    if "org" in form.errors:
        raise Http404  # outside the user's scope: never confirm that it exists
    dataset = tablib.Dataset(headers=EXPORT_HEADERS, title=str(POSTINGS_TITLE))
    for row in posting_rows(queryset, today=timezone.localdate()):
        p = row.posting
        dataset.append(
            [
                p.organization.code,
                p.organization.name,
                p.name,
                p.id_number if unmasked else p.masked_id_number,
                p.get_kind_display(),
                p.from_unit,
                p.started_on.isoformat(),
                p.ended_on.isoformat() if p.ended_on else "",
                row.status_label,
            ]
        )
    name = f"postings-{org.code if org else 'all'}-{timezone.localdate():%Y%m%d}.{fmt}"
    return personal_download(
        request,
        table="postings",
        dataset=dataset,
        fmt=fmt,
        filename=name,
        org=org,
        unmasked=unmasked,
        conditions=describe_filters(form),
    )
