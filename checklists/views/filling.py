"""Portal pages: the secretary's quarterly lists (filling and submitting).

A list outside the user's scope answers 404: staff and leaders read their subtree's lists,
a secretary only the lists of the organisation they are secretary of. The secretary fills
the list in while it is 未提交 or 退回修改; staff and leaders see the same page read-only
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

from core.history import history_entries
from core.periods import Quarter
from core.uploads import file_response
from orgs.roles import Role
from orgs.scope import get_visible_or_404, has_role, own_org_q

from ..choices import ItemStatus, RectificationStatus
from ..filling import (
    CONFLICT,
    can_fill,
    changed_since,
    checklist_submit,
    is_editable,
    items_save,
    submission_problems,
    would_be_late,
)
from ..forms.filling import ChecklistFillForm
from ..indicators import measure_items, meets_target
from ..models import ChecklistEvidence, ChecklistItem, Rectification, ResponsibilityList

PAGE_SIZE = 30


def _checklist_or_404(request: HttpRequest, pk: int) -> ResponsibilityList:
    return get_visible_or_404(
        ResponsibilityList.objects.select_related("organization", "secretary"),
        request.user,
        pk=pk,
    )


def _items(checklist: ResponsibilityList) -> list[ChecklistItem]:
    items = list(
        checklist.items.select_related("rectification").prefetch_related(
            Prefetch("evidence", queryset=ChecklistEvidence.objects.order_by("uploaded_at", "pk"))
        )
    )
    for item in items:
        item.checklist = checklist  # the measuring needs the list and its organisation
    return items


def _last_saved(checklist: ResponsibilityList):
    """The list's latest history entry (when, by whom), for "最近保存"."""
    entries, _more = history_entries(checklist.history, limit=1)
    return entries[0] if entries else None


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The lists the user reports on as secretary (of their own organisation, not of the
    ones below it), the current quarter first."""
    current = Quarter.of(timezone.localdate())
    is_secretary = has_role(request.user, Role.SECRETARY)
    lists = (
        ResponsibilityList.objects.filter(
            own_org_q(request.user, "organization__", (Role.SECRETARY,))
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
        "checklists/filling/mine.html",
        {
            "page": page,
            "current": current,
            "today": timezone.localdate(),
            "is_secretary": is_secretary,
            "reviews": has_role(request.user, Role.STAFF, Role.LEADER),
            # The secretary reports on rectifications on their own page: the way there.
            "open_rectifications": (
                Rectification.objects.filter(
                    own_org_q(request.user, "item__checklist__organization__", (Role.SECRETARY,))
                )
                .exclude(status=RectificationStatus.CLOSED)
                .count()
                if is_secretary
                else 0
            ),
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
    changed: list[ChecklistItem] = []
    if editable:
        if request.method == "POST":
            form = ChecklistFillForm(request.POST, request.FILES, items=items)
            if form.is_valid():
                try:
                    saved = items_save(
                        user=request.user, checklist=checklist, **form.service_kwargs()
                    )
                except ValidationError as exc:
                    if getattr(exc, "code", None) != CONFLICT:
                        form.add_service_error(exc)
                        status = 400
                    else:
                        status = 409
                        checklist = _checklist_or_404(request, pk)
                        if not is_editable(checklist):
                            messages.error(
                                request,
                                _("清单已在别处提交，不能再修改；您本次填写的内容未保存。"),
                            )
                            return redirect("checklists:fill", pk=checklist.pk)
                        changed = changed_since(checklist, form.cleaned_data["revision"])
                        items = _items(checklist)
                        form = _conflict_form(request, checklist, items, changed)
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
    changed_ids = {item.pk for item in changed}
    for item in items:
        item.measured = measured.get(item.pk)
        item.target_met = meets_target(item.measured, item.indicator_target)
        item.changed_elsewhere = item.pk in changed_ids
    today = timezone.localdate()
    return render(
        request,
        "checklists/filling/fill.html",
        {
            "checklist": checklist,
            "rows": rows,
            "form": form,
            "may_fill": may_fill,
            "editable": editable,
            "last_saved": _last_saved(checklist),
            "today": today,
            "will_be_late": editable and would_be_late(checklist, today),
            "conflict": status == 409,
            "max_upload_mb": settings.ATTACHMENT_MAX_SIZE // (1024 * 1024),
        },
        status=status,
    )


def _conflict_form(
    request: HttpRequest,
    checklist: ResponsibilityList,
    items: list[ChecklistItem],
    changed: list[ChecklistItem],
) -> ChecklistFillForm:
    """The form again with what the user posted, now on the list's current revision, and
    a message naming the items saved elsewhere meanwhile: saving again is a choice made
    knowingly, not a silent overwrite and not an endless conflict."""
    data = request.POST.copy()
    data["revision"] = str(checklist.revision)
    # Evidence removed elsewhere is no longer there to remove.
    present = {str(e.pk) for item in items for e in item.evidence.all()}
    data.setlist("remove", [pk for pk in data.getlist("remove") if pk in present])
    form = ChecklistFillForm(data, items=items)
    form.is_valid()
    if changed:
        message = _(
            "这份清单刚在别处保存过（%(items)s有改动），您填写的内容未保存，仍在下面。"
            "请核对标出的条目（已显示别处保存的内容），确认后再次保存。"
        ) % {"items": "、".join(_("第 %(n)d 项") % {"n": item.position} for item in changed)}
    else:
        message = _(
            "这份清单刚在别处保存过（条目内容没有变化），您填写的内容未保存，仍在下面；"
            "确认后再次保存。"
        )
    if request.FILES:
        message += _("选择的佐证材料文件未上传，请重新选择。")
    form.add_error(None, message)
    return form


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
        "checklists/filling/submit.html",
        {
            "checklist": checklist,
            "counts": [(label, counts[value]) for value, label in ItemStatus.choices],
            "problems": errors or submission_problems(checklist),
            "late": would_be_late(checklist, timezone.localdate()),
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
