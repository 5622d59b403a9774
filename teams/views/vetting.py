"""Portal pages of the 书记 (and other post) candidates of a village or community: the
candidates with each body's 资格联审 result, proposing one; a candidate's page (correct,
record a body's result, record the 县级备案, history); removing one; and every candidate
of the user's subtree (filters, export)."""

from __future__ import annotations

from typing import Any

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from members.permissions import can_view_full_personal_data
from orgs.models import Organization
from orgs.options import visible_org_options
from orgs.scope import can_edit_path, get_visible_or_404, has_role
from portal.exporting import FORMATS

from ..choices import VettingBody
from ..forms.vetting import CandidateFilterForm, CandidateForm, FilingForm, VettingCheckForm
from ..models import Candidate, VettingCheck
from ..people_selectors import (
    CandidateRow,
    candidate_row,
    candidate_rows,
    candidates_of,
    filter_candidates,
    person_history,
)
from ..renewal import is_village_or_community
from ..services.vetting import delete_candidate, file_candidate, record_check, save_candidate
from .postings import (
    PAGE_SIZE,
    add_page,
    describe_filters,
    may_edit_or_403,
    org_context,
    page_org,
    personal_download,
    record_full_view,
    save_page_form,
    village_only,
)

CANDIDATES_TITLE = _lazy("换届人选资格联审")


@login_required
def candidates(request: HttpRequest, code: str) -> HttpResponse:
    org = page_org(request, code)
    if not is_village_or_community(org):
        return village_only(request, org, str(CANDIDATES_TITLE))
    may_edit = may_edit_or_403(request, org)
    page_url = reverse("teams:candidates", args=[org.code])
    form = None
    if may_edit:
        form = CandidateForm(
            request.POST or None,
            user=request.user,
            instance=Candidate(organization=org),
            initial={"proposed_on": timezone.localdate()},
        )
    if request.method == "POST":
        candidate, response = add_page(
            request, form, save_candidate, record_arg="candidate", fallback=page_url
        )
        if response is not None:
            return response
        if candidate is not None:
            messages.success(
                request,
                _("已提名%(position)s人选“%(name)s”，请登记各单位的联审意见。")
                % {"position": candidate.get_position_display(), "name": candidate.name},
            )
            return redirect("teams:candidate", code=org.code, pk=candidate.pk)
    rows = candidates_of(org)
    show_full = can_view_full_personal_data(request.user)
    if show_full:
        record_full_view(request, Candidate, [r.candidate for r in rows], "list")
    return render(
        request,
        "teams/candidates/list.html",
        org_context(request, org, rows=rows, form=form, show_full=show_full),
    )


def _candidate_for_editor(request: HttpRequest, code: str, pk: int) -> Candidate:
    """The candidate (404 outside the user's scope); 403 for those who only read."""
    found = get_visible_or_404(
        Candidate.objects.select_related("organization"),
        request.user,
        pk=pk,
        organization__code=code,
    )
    if not can_edit_path(request.user, found.organization.path):
        raise PermissionDenied
    return found


@login_required
def candidate(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = _candidate_for_editor(request, code, pk)
    org = found.organization
    action = request.POST.get("action") if request.method == "POST" else None
    form = CandidateForm(
        request.POST if action == "edit" else None, user=request.user, instance=found
    )
    check_form = VettingCheckForm(
        request.POST if action == "check" else None, initial={"checked_on": timezone.localdate()}
    )
    filing_form = FilingForm(
        request.POST if action == "file" else None,
        initial={"filed_on": found.filed_on or timezone.localdate()},
    )
    done = None
    if action == "edit":
        if save_page_form(request, form, save_candidate, candidate=found) is not None:
            done = _("已保存人选“%(name)s”的信息。") % {"name": found.name}
    elif action == "check" and check_form.is_valid():
        kwargs = check_form.service_kwargs()
        check = save_page_form(request, check_form, record_check, candidate=found, **kwargs)
        if check is not None:
            done = _("已登记%(body)s的联审意见：%(verdict)s。") % {
                "body": check.get_body_display(),
                "verdict": _("通过") if check.passed else _("未通过"),
            }
    elif action == "file" and filing_form.is_valid():
        filed_on = filing_form.cleaned_data["filed_on"]
        if save_page_form(request, filing_form, file_candidate, candidate=found, filed_on=filed_on):
            done = _("已登记县级备案日期 %(day)s。") % {"day": filed_on.isoformat()}
    if done:
        messages.success(request, done)
        return redirect("teams:candidate", code=org.code, pk=found.pk)
    if request.method == "POST":
        found.refresh_from_db()  # the heading and the results show what is stored
    if form.shows_full_id_number:
        record_full_view(request, Candidate, [found], "detail")
    history, more_history = person_history(found.history, user=request.user)
    check_history, more_check_history = person_history(
        VettingCheck.history.filter(candidate_id=found.pk), user=request.user
    )
    return render(
        request,
        "teams/candidates/detail.html",
        org_context(
            request,
            org,
            candidate=found,
            row=candidate_row(found),
            form=form,
            check_form=check_form,
            filing_form=filing_form,
            history=history,
            more_history=more_history,
            check_history=check_history,
            more_check_history=more_check_history,
        ),
    )


@login_required
def candidate_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = _candidate_for_editor(request, code, pk)
    org = found.organization
    if request.method == "POST":
        delete_candidate(user=request.user, candidate=found)
        messages.success(request, _("已删除人选“%(name)s”。") % {"name": found.name})
        return redirect("teams:candidates", code=org.code)
    return render(
        request,
        "teams/candidates/delete.html",
        org_context(request, org, candidate=found, row=candidate_row(found)),
    )


# --- the subtree's list ------------------------------------------------------------------
def _filtered(request: HttpRequest) -> tuple[CandidateFilterForm, Organization | None, Any, bool]:
    unmasked = can_view_full_personal_data(request.user)
    form = CandidateFilterForm(
        request.GET, organizations=visible_org_options(request.user), unmasked=unmasked
    )
    code = form.value("org")
    org = Organization.objects.visible_to(request.user).get(code=code) if code else None
    queryset = filter_candidates(
        Candidate.objects.visible_to(request.user),
        org=org,
        q=form.value("q"),
        state=form.value("state"),
        position=form.value("position"),
        unmasked=unmasked,
    )
    return form, org, queryset, unmasked


@login_required
def candidates_all(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user):
        raise PermissionDenied
    form, org, queryset, unmasked = _filtered(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = candidate_rows(page.object_list)
    if unmasked:
        record_full_view(request, Candidate, [r.candidate for r in rows], "list")
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "teams/candidates/all.html",
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


def _check_text(row: CandidateRow, body: str) -> str:
    cell = next(c for c in row.cells if c.body == body)
    check = cell.check
    if check is None:
        return ""
    verdict = _("通过") if check.passed else _("未通过")
    reason = f"：{check.reason}" if check.reason else ""
    return f"{verdict}{reason}（{check.checked_on.isoformat()}）"


@login_required
def candidates_export(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS or not has_role(request.user):
        raise Http404
    form, org, queryset, unmasked = _filtered(request)
    if "org" in form.errors:
        raise Http404  # outside the user's scope: never confirm that it exists
    headers = [
        "组织代码",
        "组织名称",
        "姓名",
        "公民身份号码",
        "拟任职务",
        "提名日期",
        *(str(label) for _value, label in VettingBody.choices),
        "联审状态",
        "县级备案日期",
    ]
    dataset = tablib.Dataset(headers=headers, title=str(CANDIDATES_TITLE))
    for row in candidate_rows(queryset):
        c = row.candidate
        dataset.append(
            [
                c.organization.code,
                c.organization.name,
                c.name,
                c.id_number if unmasked else c.masked_id_number,
                c.get_position_display(),
                c.proposed_on.isoformat(),
                *(_check_text(row, body) for body in VettingBody.values),
                row.state_label,
                c.filed_on.isoformat() if c.filed_on else "",
            ]
        )
    name = f"candidates-{org.code if org else 'all'}-{timezone.localdate():%Y%m%d}.{fmt}"
    return personal_download(
        request,
        table="candidates",
        dataset=dataset,
        fmt=fmt,
        filename=name,
        org=org,
        unmasked=unmasked,
        conditions=describe_filters(form),
    )
