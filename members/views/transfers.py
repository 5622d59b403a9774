"""Portal pages of transfers (组织关系转接) and mobile members (流动党员).

Both ends of a transfer read it; only staff of the sending organisation start one and only
staff of the receiving organisation accept or return it (members.services.transfers).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orgs.models import Organization
from orgs.scope import can_edit_path, get_visible_or_404

from ..forms.transfers import ACCEPT, ContactForm, DecideForm, TransferForm
from ..models import Member, Transfer, TransferKind, TransferState
from ..services.mobile import (
    is_lost_contact,
    lost_contact_months,
    lost_contact_q,
    mobile_members,
    record_contact,
)
from ..services.transfers import (
    can_decide,
    pending_transfers_for,
    transfer_accept,
    transfer_request,
    transfer_return,
)

PAGE_SIZE = 50


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    pending = pending_transfers_for(request.user)
    done = (
        Transfer.objects.visible_to(request.user)
        .exclude(state=TransferState.PENDING)
        .select_related("member", "from_organization", "to_organization", "decided_by")
        .order_by("-decided_on", "-pk")
    )
    page = Paginator(done, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/transfers/list.html",
        {
            "incoming": [(t, can_decide(request.user, t)) for t in pending["incoming"]],
            "outgoing": pending["outgoing"],
            "page": page,
        },
    )


@login_required
def transfer_create(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=pk)
    if not can_edit_path(request.user, member.organization.path):
        raise PermissionDenied
    form = TransferForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfer_request(user=request.user, member=member, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            if transfer.kind == TransferKind.OUTBOUND:
                messages.success(
                    request,
                    _("已记录 %(name)s 转出本县（%(dest)s），党籍状态为“已转出”。")
                    % {"name": member.name, "dest": transfer.destination},
                )
            else:
                messages.success(
                    request,
                    _("已申请将 %(name)s 的组织关系转往 %(org)s，待对方接收。")
                    % {"name": member.name, "org": transfer.to_organization.name},
                )
            return redirect("members:transfers")
    return render(request, "members/transfers/form.html", {"form": form, "member": member})


@login_required
def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_visible_or_404(
        Transfer.objects.select_related(
            "member", "from_organization", "to_organization", "requested_by"
        ),
        request.user,
        pk=pk,
    )
    if transfer.state != TransferState.PENDING:
        messages.info(request, _("该转接已办结。"))
        return redirect("members:transfers")
    if not can_decide(request.user, transfer):
        raise PermissionDenied
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decide = transfer_accept if data["decision"] == ACCEPT else transfer_return
        try:
            decide(user=request.user, transfer=transfer, on=data["on"], note=data["note"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                (
                    _("已接收 %(name)s 的组织关系。")
                    if data["decision"] == ACCEPT
                    else _("已退回 %(name)s 的组织关系转接。")
                )
                % {"name": transfer.member.name},
            )
            return redirect("members:transfers")
    return render(request, "members/transfers/decide.html", {"form": form, "transfer": transfer})


# --- mobile members --------------------------------------------------------------------
@login_required
def mobile_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    orgs = list(
        Organization.objects.visible_to(request.user)
        .order_by("path")
        .values_list("code", "name", "path", "depth")
    )
    org_code = request.GET.get("org", "")
    lost_only = request.GET.get("lost") == "1"
    members = mobile_members(Member.objects.visible_to(request.user)).select_related("organization")
    org_path = {code: p for code, _n, p, _d in orgs}.get(org_code)
    if org_path:
        members = members.within(org_path)
    if lost_only:
        members = members.filter(lost_contact_q(today))
    members = members.order_by("organization__path", "name", "pk")
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "members/mobile/list.html",
        {
            "orgs": [(code, f"{'　' * (depth - 1)}{name}") for code, name, _p, depth in orgs],
            "org_code": org_code,
            "lost_only": lost_only,
            "page": page,
            "rows": [
                (
                    m,
                    is_lost_contact(m, today),
                    can_edit_path(request.user, m.organization.path),
                )
                for m in page.object_list
            ],
            "querystring": querystring,
            "months": lost_contact_months(),
            "today": today,
        },
    )


@login_required
@require_POST
def mobile_contact(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, pk=pk)
    if not can_edit_path(request.user, member.organization.path):
        raise PermissionDenied
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            record_contact(user=request.user, member=member, on=form.cleaned_data["on"])
        except ValidationError as exc:
            messages.error(request, f"{member.name}：{'；'.join(exc.messages)}")
        else:
            messages.success(
                request,
                _("已记录与 %(name)s 的联系（%(day)s）。")
                % {"name": member.name, "day": form.cleaned_data["on"].isoformat()},
            )
    else:
        messages.error(request, _("%(name)s：请填写有效的联系日期。") % {"name": member.name})
    # Back to the same filtered page: only our own path plus the list's query string.
    back = QueryDict(request.POST.get("back", ""), mutable=True)
    allowed = {key: back.getlist(key) for key in ("org", "lost", "page") if key in back}
    query = QueryDict(mutable=True)
    for key, values in allowed.items():
        query.setlist(key, values)
    url = reverse("members:mobile")
    return redirect(f"{url}?{query.urlencode()}" if query else url)


urlpatterns = [
    path("transfers/", transfer_list, name="transfers"),
    path("<int:pk>/transfer/", transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/decide/", transfer_decide, name="transfer_decide"),
    path("mobile/", mobile_list, name="mobile"),
    path("mobile/<int:pk>/contact/", mobile_contact, name="mobile_contact"),
]
