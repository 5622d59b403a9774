"""Portal pages of an organisation's 后备干部 / 换届人选 pool: the pool with each one's age
(from the ID number), adding someone; someone's page (change, mark used or removed or
back in the pool, history)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from orgs.scope import can_edit_path, get_visible_or_404

from ..choices import ReserveStatus
from ..forms.reserves import ReserveForm, ReserveStatusForm
from ..models import ReserveCadre
from ..people_selectors import age_from_id, person_history, reserves_of
from ..services.reserves import save_reserve, set_reserve_status
from .postings import (
    add_page,
    may_edit_or_403,
    org_context,
    page_org,
    record_full_view,
    save_page_form,
)


@login_required
def reserves(request: HttpRequest, code: str) -> HttpResponse:
    org = page_org(request, code)
    may_edit = may_edit_or_403(request, org)
    today = timezone.localdate()
    page_url = reverse("teams:reserves", args=[org.code])
    form = None
    if may_edit:
        form = ReserveForm(
            request.POST or None,
            user=request.user,
            instance=ReserveCadre(organization=org),
            initial={"added_on": today},
        )
    if request.method == "POST":
        reserve, response = add_page(
            request, form, save_reserve, record_arg="reserve", fallback=page_url
        )
        if response is not None:
            return response
        if reserve is not None:
            messages.success(request, _("已将“%(name)s”纳入后备干部。") % {"name": reserve.name})
            return redirect(page_url)
    rows = reserves_of(org, today=today)
    active = sum(1 for r in rows if r.reserve.status == ReserveStatus.ACTIVE)
    return render(
        request,
        "teams/reserves/list.html",
        org_context(request, org, rows=rows, active=active, form=form),
    )


STATUS_MESSAGES = {
    ReserveStatus.ACTIVE: _lazy("已将“%(name)s”恢复为储备中。"),
    ReserveStatus.USED: _lazy("已将“%(name)s”标记为已使用。"),
    ReserveStatus.REMOVED: _lazy("已将“%(name)s”调出后备干部库。"),
}


@login_required
def reserve(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    found = get_visible_or_404(
        ReserveCadre.objects.select_related("organization"),
        request.user,
        pk=pk,
        organization__code=code,
    )
    org = found.organization
    if not can_edit_path(request.user, org.path):
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    form = ReserveForm(
        request.POST if action == "edit" else None, user=request.user, instance=found
    )
    status_form = ReserveStatusForm(request.POST if action == "status" else None)
    done = None
    if action == "edit" and save_page_form(request, form, save_reserve, reserve=found):
        done = _("已保存“%(name)s”的信息。") % {"name": found.name}
    elif action == "status" and status_form.is_valid():
        status = status_form.cleaned_data["status"]
        set_reserve_status(user=request.user, reserve=found, status=status)
        done = STATUS_MESSAGES[status] % {"name": found.name}
    if done:
        messages.success(request, done)
        return redirect("teams:reserve", code=org.code, pk=found.pk)
    if request.method == "POST":
        found.refresh_from_db()  # the heading shows what is stored
    if form.shows_full_id_number:
        record_full_view(request, ReserveCadre, [found], "detail")
    history, more_history = person_history(found.history, user=request.user)
    return render(
        request,
        "teams/reserves/form.html",
        org_context(
            request,
            org,
            reserve=found,
            age=age_from_id(found.id_number, timezone.localdate()),
            form=form,
            status_form=status_form,
            status_choices=ReserveStatus.choices,
            history=history,
            more_history=more_history,
        ),
    )
