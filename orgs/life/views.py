"""Portal pages of organisation life (组织生活): an organisation's records with its
required-vs-recorded table, the phone-friendly entry form, a record with its files and
history, edit/delete, the scoped file download, and the overview of the user's scope.
The entry form and a record's page lead to its attendance by name, a page of the members
app (members:attendance), which orgs does not import."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.uploads import file_response

from ..figures import member_counts
from ..models import Organization
from ..scope import get_visible_or_404
from ..selectors import visible_ancestors
from .forms import LifeFilterForm, LifeRecordForm, QuarterForm
from .models import OrgLifeAttachment, OrgLifeRecord
from .providers import takes_names
from .selectors import (
    COMMITTEE_MIN_FULL_MEMBERS,
    attendance_of,
    holds_meetings,
    life_summary,
    life_summary_for_user,
    record_history,
    record_years,
)
from .services import (
    can_change_life_record,
    can_record_life,
    life_record_create,
    life_record_delete,
    life_record_update,
)

PAGE_SIZE = 30
OVERVIEW_PAGE_SIZE = 50


def _org_or_404(request: HttpRequest, code: str) -> Organization:
    return get_visible_or_404(Organization.objects.all(), request.user, code=code)


def _record_or_404(request: HttpRequest, code: str, pk: int) -> OrgLifeRecord:
    return get_visible_or_404(
        OrgLifeRecord.objects.select_related("organization", "recorded_by"),
        request.user,
        pk=pk,
        organization__code=code,
    )


def _changeable_record(request: HttpRequest, code: str, pk: int) -> OrgLifeRecord:
    """The record if the user may change it; 404 outside their scope, 403 read-only."""
    record = _record_or_404(request, code, pk)
    if not can_change_life_record(request.user, record):
        raise PermissionDenied
    return record


def _max_upload_mb() -> int:
    return settings.ATTACHMENT_MAX_SIZE // (1024 * 1024)


@login_required
def life_overview(request: HttpRequest) -> HttpResponse:
    quarter_form = QuarterForm(request.GET)
    quarter = quarter_form.selected_quarter()
    summaries = life_summary_for_user(request.user, quarter)
    lacking = [s for s in summaries if s.shortfalls]
    page = Paginator(lacking, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "orgs/life/overview.html",
        {
            "quarter_form": quarter_form,
            "quarter": quarter,
            "page": page,
            "querystring": querystring,
            "measured": len(summaries),
            "lacking": len(lacking),
        },
    )


@login_required
def life_list(request: HttpRequest, code: str) -> HttpResponse:
    org = _org_or_404(request, code)
    # The organisation and everything under it: a 党总支 sees its branches' records too.
    records = OrgLifeRecord.objects.visible_to(request.user).within(org)
    filter_form = LifeFilterForm(request.GET, years=record_years(records))
    filters = filter_form.filters()
    if filters["kind"]:
        records = records.filter(kind=filters["kind"])
    if filters["held_year"]:
        records = records.filter(held_on__year=filters["held_year"])
    page = Paginator(
        records.select_related("organization").order_by("-held_on", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    attendance = attendance_of(page.object_list)
    rows = [(r, *attendance[r.pk]) for r in page.object_list]
    quarter_form = QuarterForm(request.GET)
    quarter = quarter_form.selected_quarter()
    summaries = life_summary(org, quarter)
    own = next((s for s in summaries if s.organization.pk == org.pk), None)
    below = [s for s in summaries if s.organization.pk != org.pk and s.shortfalls]
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "orgs/life/list.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "page": page,
            "rows": rows,
            "querystring": querystring,
            "filter_form": filter_form,
            "quarter_form": quarter_form,
            "quarter": quarter,
            "own": own,
            "below": below,
            "holds_meetings": holds_meetings(org),
            "show_org": org.numchild > 0,
            "can_record": can_record_life(request.user, org),
            "committee_min": COMMITTEE_MIN_FULL_MEMBERS,
        },
    )


@login_required
def life_new(request: HttpRequest, code: str) -> HttpResponse:
    org = _org_or_404(request, code)
    if not can_record_life(request.user, org):
        raise PermissionDenied
    members = member_counts([org.pk]).get(org.pk) or 0
    if request.method == "POST":
        form = LifeRecordForm(request.POST, request.FILES, can_name=members > 0)
        if form.is_valid():
            try:
                record = life_record_create(
                    user=request.user, organization=org, **form.service_kwargs()
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("已录入%(kind)s“%(topic)s”（%(day)s）。")
                    % {
                        "kind": record.get_kind_display(),
                        "topic": record.topic,
                        "day": record.held_on.isoformat(),
                    },
                )
                if form.names_next:
                    return redirect(reverse("members:attendance", args=[org.code, record.pk]))
                return redirect("orgs:life", code=org.code)
    else:
        form = LifeRecordForm(initial={"expected": members or None}, can_name=members > 0)
    return render(
        request,
        "orgs/life/form.html",
        {
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "form": form,
            "record": None,
            "max_upload_mb": _max_upload_mb(),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def life_record(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    record = _record_or_404(request, code, pk)
    history, more_history = record_history(record)
    tally, quorum = attendance_of([record])[record.pk]
    return render(
        request,
        "orgs/life/detail.html",
        {
            "record": record,
            "tally": tally,
            "quorum": quorum,
            "takes_names": takes_names(record.kind),
            "org": record.organization,
            "ancestors": visible_ancestors(request.user, record.organization),
            "attachments": list(record.attachments.select_related("uploaded_by")),
            "history": history,
            "more_history": more_history,
            "can_change": can_change_life_record(request.user, record),
        },
    )


@login_required
def life_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    record = _changeable_record(request, code, pk)
    attachments = list(record.attachments.all())
    tally, _quorum = attendance_of([record])[record.pk]
    named = tally is not None
    initial = {
        "kind": record.kind,
        "held_on": record.held_on,
        "topic": record.topic,
        "expected": record.expected,
        "present": record.present,
        "minutes": record.minutes,
    }
    if request.method == "POST":
        # The counts of a record with names are disabled: they come from `initial`.
        form = LifeRecordForm(
            request.POST,
            request.FILES,
            attachments=attachments,
            editing=True,
            counts_from_names=named,
            initial=initial,
        )
        if form.is_valid():
            try:
                life_record_update(
                    user=request.user,
                    record=record,
                    remove=form.cleaned_data.get("remove") or [],
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("已保存修改。"))
                return redirect("orgs:life_record", code=code, pk=record.pk)
    else:
        form = LifeRecordForm(
            attachments=attachments,
            editing=True,
            counts_from_names=named,
            initial=initial,
        )
    return render(
        request,
        "orgs/life/form.html",
        {
            "org": record.organization,
            "ancestors": visible_ancestors(request.user, record.organization),
            "form": form,
            "record": record,
            "max_upload_mb": _max_upload_mb(),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def life_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    record = _changeable_record(request, code, pk)
    if request.method == "POST":
        life_record_delete(user=request.user, record=record)
        messages.success(
            request,
            _("已删除%(kind)s“%(topic)s”。")
            % {"kind": record.get_kind_display(), "topic": record.topic},
        )
        return redirect("orgs:life", code=code)
    return render(
        request,
        "orgs/life/delete.html",
        {
            "record": record,
            "org": record.organization,
            "ancestors": visible_ancestors(request.user, record.organization),
            "files": record.attachments.count(),
        },
    )


@login_required
def life_file(request: HttpRequest, code: str, pk: int, file_pk: int) -> HttpResponse:
    """The only way to a record's file: scope checked, type as sniffed on upload."""
    attachment = get_visible_or_404(
        OrgLifeAttachment.objects.all(),
        request.user,
        pk=file_pk,
        record_id=pk,
        record__organization__code=code,
    )
    return file_response(request, attachment)
