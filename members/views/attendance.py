"""Portal page: attendance by name of an organisation life record (出席名单), reached from
the record's page; fast on a phone: everyone is present until marked otherwise."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from orgs.choices import MeetingKind
from orgs.life.providers import takes_names
from orgs.life.services import can_change_life_record
from orgs.models import OrgLifeRecord
from orgs.scope import get_visible_or_404
from orgs.selectors import visible_ancestors

from ..forms.attendance import AttendanceForm, GroupChoiceForm
from ..models import PartyGroup
from ..services.attendance import attendance_sheet, clear_attendance, save_attendance


@login_required
def attendance(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    record = get_visible_or_404(
        OrgLifeRecord.objects.select_related("organization"),
        request.user,
        pk=pk,
        organization__code=code,
    )
    may_change = can_change_life_record(request.user, record)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    org = record.organization
    groups: list[PartyGroup] = []
    group = None
    if record.kind == MeetingKind.GROUP_MEETING:
        groups = list(PartyGroup.objects.filter(organization=org).order_by("name", "pk"))
        chooser = GroupChoiceForm(request.POST or request.GET, groups=groups)
        group = chooser.selected()
    else:
        chooser = None
    names = takes_names(record.kind)
    lines = attendance_sheet(record, group) if names else []
    form = None
    if names and request.method == "POST" and request.POST.get("action") == "clear":
        removed = clear_attendance(user=request.user, record=record)
        messages.success(
            request, _("已清除出席名单（%(n)d 人），本次会议改为只按人数登记。") % {"n": removed}
        )
        return redirect("orgs:life_record", code=org.code, pk=record.pk)
    if names and lines and may_change:
        form = AttendanceForm(request.POST if request.method == "POST" else None, lines=lines)
        if form.is_bound and form.is_valid():
            try:
                result = save_attendance(
                    user=request.user, record=record, entries=form.entries(), group=group
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("已保存出席名单：应到 %(e)d 人，实到 %(p)d 人。")
                    % {"e": result.expected, "p": result.present},
                )
                return redirect("orgs:life_record", code=org.code, pk=record.pk)
    elif request.method == "POST":
        messages.error(request, _("这次会议没有可登记的名单。"))
        return redirect("members:attendance", code=org.code, pk=record.pk)
    return render(
        request,
        "members/attendance.html",
        {
            "record": record,
            "org": org,
            "ancestors": visible_ancestors(request.user, org),
            "takes_names": names,
            "lines": lines,
            "recorded": any(line.recorded for line in lines),
            "counts": Counter(line.status for line in lines),
            "form": form,
            "chooser": chooser,
            "groups": groups,
            "group": group,
            "may_change": may_change,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


urlpatterns = [
    path("life/<str:code>/<int:pk>/attendance/", attendance, name="attendance"),
]
