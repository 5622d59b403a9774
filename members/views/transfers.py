"""Portal pages of transfers (组织关系转接) and mobile members (流动党员).

Both ends of a transfer read it; only staff of the sending organisation start one (and
print the 介绍信 of a transfer out of the county), only staff of the receiving organisation
register an arrival from outside the county, accept or return (members.services.transfers).
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

from core.downloads import download_response
from orgs.models import Organization
from orgs.scope import can_edit_path, get_visible_or_404, is_staff_member

from ..forms.transfers import (
    ACCEPT,
    ContactForm,
    DecideForm,
    InboundForm,
    LetterForm,
    ReceiptForm,
    TransferForm,
)
from ..models import Member, Transfer, TransferKind, TransferState
from ..permissions import can_view_full_personal_data
from ..services.mobile import (
    is_lost_contact,
    lost_contact_months,
    lost_contact_q,
    mobile_members,
    record_contact,
)
from ..services.transfers import (
    can_decide,
    can_issue_letter,
    can_record_receipt,
    inbound_register,
    letter_filename,
    letter_issue,
    letter_pdf,
    letter_valid_days,
    pending_transfers_for,
    transfer_accept,
    transfer_record_receipt,
    transfer_request,
    transfer_return,
)
from ..signals import full_data_viewed

PAGE_SIZE = 50


TRANSFER_RELATED = (
    "member",
    "from_organization",
    "to_organization",
    "requested_by",
    "decided_by",
    "letter_county",
)


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
            "may_register": is_staff_member(request.user),
        },
    )


def _visible_transfer(request: HttpRequest, pk: int) -> Transfer:
    return get_visible_or_404(
        Transfer.objects.select_related(*TRANSFER_RELATED), request.user, pk=pk
    )


def _detail(
    request: HttpRequest, transfer: Transfer, *, letter_form: LetterForm | None = None
) -> HttpResponse:
    user = request.user
    may_letter = can_issue_letter(user, transfer)
    if letter_form is None and may_letter and transfer.letter_number is None:
        letter_form = LetterForm(valid_days=letter_valid_days())
    context = {
        "transfer": transfer,
        "can_decide": can_decide(user, transfer),
        "can_letter": may_letter,
        "letter_form": letter_form,
        "can_receipt": can_record_receipt(user, transfer),
        "receipt_form": ReceiptForm(),
        "member_visible": Member.objects.visible_to(user).filter(pk=transfer.member_id).exists(),
        "full_personal_data": can_view_full_personal_data(user),
    }
    return render(request, "members/transfers/detail.html", context)


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One transfer as both ends read it, with what the user may do next: decide, print
    the 介绍信, record the 回执."""
    return _detail(request, _visible_transfer(request, pk))


@login_required
def inbound_new(request: HttpRequest) -> HttpResponse:
    """Register a member arriving from outside the county with the sending unit's 介绍信."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    form = InboundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = inbound_register(user=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_error(exc)
        except PermissionDenied as exc:
            form.add_error("to_organization", str(exc))
        else:
            messages.success(
                request,
                _("已登记 %(name)s 从县外转入 %(org)s，待确认报到后在册。")
                % {"name": transfer.member.name, "org": transfer.to_organization.name},
            )
            return redirect("members:transfer_detail", transfer.pk)
    return render(request, "members/transfers/inbound_form.html", {"form": form})


@login_required
@require_POST
def transfer_letter_issue(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _visible_transfer(request, pk)
    if not can_issue_letter(request.user, transfer):
        raise PermissionDenied
    form = LetterForm(request.POST, valid_days=letter_valid_days())
    if form.is_valid():
        try:
            transfer = letter_issue(
                user=request.user,
                transfer=transfer,
                on=form.cleaned_data["on"],
                valid_days=form.cleaned_data["valid_days"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("已开具介绍信 %(number)s，请下载打印。") % {"number": transfer.letter_label},
            )
            return redirect("members:transfer_detail", transfer.pk)
    return _detail(request, transfer, letter_form=form)


@login_required
def transfer_letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The 介绍信 as a PDF: staff of the sending organisation, once it has its number."""
    from core.pdf import PdfError  # WeasyPrint: loaded only where a PDF is made

    transfer = _visible_transfer(request, pk)
    if not can_issue_letter(request.user, transfer):
        raise PermissionDenied
    if transfer.letter_number is None:
        messages.info(request, _("请先开具介绍信（取得编号）再下载。"))
        return redirect("members:transfer_detail", transfer.pk)
    full = can_view_full_personal_data(request.user)
    try:
        content = letter_pdf(transfer, full_personal_data=full)
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect("members:transfer_detail", transfer.pk)
    if full:
        # The letter prints the ID number and phone in full: the audit trail records it.
        full_data_viewed.send(Member, request=request, members=[transfer.member], page="detail")
    return download_response(content, letter_filename(transfer))


@login_required
@require_POST
def transfer_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _visible_transfer(request, pk)
    if not can_record_receipt(request.user, transfer):
        raise PermissionDenied
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("回执日期：请填写有效日期。"))
        return redirect("members:transfer_detail", transfer.pk)
    try:
        transfer_record_receipt(user=request.user, transfer=transfer, on=form.cleaned_data["on"])
    except ValidationError as exc:
        messages.error(request, _("回执日期：%(msg)s") % {"msg": "；".join(exc.messages)})
    else:
        messages.success(
            request,
            _("已登记回执（%(day)s）。") % {"day": form.cleaned_data["on"].isoformat()},
        )
    return redirect("members:transfer_detail", transfer.pk)


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
    inbound = transfer.kind == TransferKind.INBOUND
    form = DecideForm(request.POST or None, inbound=inbound)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decide = transfer_accept if data["decision"] == ACCEPT else transfer_return
        try:
            decide(user=request.user, transfer=transfer, on=data["on"], note=data["note"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            if data["decision"] != ACCEPT:
                text = _("已退回 %(name)s 的组织关系转接。")
            elif inbound:
                text = _("已确认 %(name)s 报到，该党员已在册；请寄出回执并登记回执日期。")
            else:
                text = _("已接收 %(name)s 的组织关系。")
            messages.success(request, text % {"name": transfer.member.name})
            if inbound:
                return redirect("members:transfer_detail", transfer.pk)
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
    path("transfers/<int:pk>/", transfer_detail, name="transfer_detail"),
    path("transfers/inbound/new/", inbound_new, name="transfer_inbound"),
    path("transfers/<int:pk>/letter/", transfer_letter_issue, name="transfer_letter_issue"),
    path("transfers/<int:pk>/letter.pdf", transfer_letter_download, name="transfer_letter_pdf"),
    path("transfers/<int:pk>/receipt/", transfer_receipt, name="transfer_receipt"),
    path("mobile/", mobile_list, name="mobile"),
    path("mobile/<int:pk>/contact/", mobile_contact, name="mobile_contact"),
]
