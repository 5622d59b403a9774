"""The account pages of staff: the list, creating accounts (one, one click per
organisation, a township at once) and handing out the slips of initial passwords."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.downloads import download_response
from core.sorting import sort_links
from core.submissions import REPEATED_MESSAGE, RepeatedSubmission, earlier_result
from orgs.models import Organization

from .forms import (
    AccountCreateForm,
    AccountFilterForm,
    BulkCreateForm,
    SecretaryCreateForm,
)
from .handout import Handout, create_with_slips, result_url
from .scope import can_manage_accounts, grantable_roles
from .selectors import (
    SORTS,
    account_list,
    account_rows,
    locked_count,
    organizations_missing_secretary,
)
from .services import (
    BULK_LIMIT,
    BulkResult,
    account_create,
    secretary_account_create,
    secretary_accounts_create,
)
from .slip_store import file_waiting, read_summary, take_file
from .slips import SlipsUnavailable

PAGE_SIZE = 50


def staff_only(request: HttpRequest) -> None:
    if not can_manage_accounts(request.user):
        raise PermissionDenied


@login_required
def users(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    form = AccountFilterForm(request.GET)
    filters = form.filter_kwargs()
    page = Paginator(account_list(request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": account_rows(request.user, page.object_list),
        "querystring": querystring,
        "sorting": sort_links(querystring, filters["sort"], SORTS),
        "locked_total": locked_count(request.user),
        "missing_total": organizations_missing_secretary(request.user).count(),
        "can_create": bool(grantable_roles(request.user)),
    }
    return render(request, "accounts/users.html", context)


def handout_response(request: HttpRequest, handout: Handout) -> HttpResponse:
    """After a creation: the result page (redirect), or the passwords in this response
    when the store could not keep the slips."""
    if handout.summary_key:
        return redirect(result_url(handout.summary_key))
    if handout.fallback:
        response = render(
            request,
            "accounts/created.html",
            {"fallback": True, "accounts": handout.accounts, "remaining": handout.remaining},
        )
        add_never_cache_headers(response)
        return response
    messages.info(request, _("没有需要开通的书记账号。"))
    return redirect("accounts:missing_secretaries")


def run_creation(
    request: HttpRequest, form: Any, create: Callable[[], BulkResult], reason: str
) -> HttpResponse | None:
    """Create and hand out, once per form; None when the form shows why not."""
    try:
        handout = create_with_slips(
            actor=request.user,
            request=request,
            submission=form.cleaned_data.get("submission"),
            create=create,
            reason=reason,
        )
    except RepeatedSubmission as repeat:
        messages.info(request, REPEATED_MESSAGE)
        return redirect(repeat.url or "accounts:missing_secretaries")
    except (ValidationError, SlipsUnavailable) as exc:
        if isinstance(exc, SlipsUnavailable):
            exc = ValidationError(
                _("无法生成账号通知单，账号没有开通：%(reason)s") % {"reason": exc}
            )
        if hasattr(form, "add_service_error"):
            form.add_service_error(exc)
            return None
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:missing_secretaries")
    return handout_response(request, handout)


def repeated(request: HttpRequest) -> HttpResponse | None:
    """A repeat of an earlier post (checked before the form, whose choices may have
    changed since): "already done" and the first post's result."""
    if request.method == "POST" and (done := earlier_result(request.POST)) is not None:
        messages.info(request, REPEATED_MESSAGE)
        return redirect(done or "accounts:users")
    return None


@never_cache
@login_required
def create(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    if (response := repeated(request)) is not None:
        return response
    form = AccountCreateForm(
        request.POST or None, actor=request.user, initial={"organization": request.GET.get("org")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def make() -> BulkResult:
            account = account_create(
                actor=request.user,
                organization=data["organization"],
                role=data["role"],
                full_name=data["full_name"],
                username=data["username"],
                request=request,
            )
            return BulkResult([account], 0)

        if (response := run_creation(request, form, make, _("开通账号"))) is not None:
            return response
    return render(request, "accounts/create.html", {"form": form})


@login_required
def missing_secretaries(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    bulk = BulkCreateForm(actor=request.user, initial={"within": request.GET.get("within", "")})
    within = bulk.townships.get(request.GET.get("within", ""))
    organizations = organizations_missing_secretary(request.user, within)
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "bulk": bulk,
        "within": within,
        "page": page,
        "rows": [(org, SecretaryCreateForm(initial={"organization": org.code})) for org in page],
        "querystring": querystring,
        "bulk_limit": BULK_LIMIT,
    }
    return render(request, "accounts/missing_secretaries.html", context)


@require_POST
@login_required
def create_secretary(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    if (response := repeated(request)) is not None:
        return response
    form = SecretaryCreateForm(request.POST)
    if not form.is_valid():
        raise Http404
    # Outside the subtree: 404, as for a code that does not exist.
    organization = (
        Organization.objects.editable_by(request.user)
        .filter(code=form.cleaned_data["organization"])
        .first()
    )
    if organization is None:
        raise Http404

    def make() -> BulkResult:
        account = secretary_account_create(
            actor=request.user, organization=organization, request=request
        )
        return BulkResult([account], 0)

    response = run_creation(request, form, make, _("开通书记账号"))
    return response or redirect("accounts:missing_secretaries")


@require_POST
@login_required
def create_secretaries(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    if (response := repeated(request)) is not None:
        return response
    form = BulkCreateForm(request.POST, actor=request.user)
    if not form.is_valid():
        raise Http404

    def make() -> BulkResult:
        return secretary_accounts_create(
            actor=request.user, within=form.cleaned_data["within"], request=request
        )

    response = run_creation(request, form, make, _("批量开通书记账号"))
    return response or redirect("accounts:missing_secretaries")


@never_cache
@login_required
def created(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    key = request.GET.get("batch", "")
    summary = read_summary(request.user, key)
    if summary is None:
        return render(request, "accounts/created_expired.html", status=404)
    files = [{**f, "waiting": file_waiting(request.user, f["key"])} for f in summary["files"]]
    context = {"summary": summary, "files": files, "batch": key, "remaining": summary["remaining"]}
    return render(request, "accounts/created.html", context)


@never_cache
@require_POST
@login_required
def slip(request: HttpRequest) -> HttpResponse:
    """A kept slip file, handed out once to the user who made it."""
    staff_only(request)
    kept = take_file(request.user, request.POST.get("key", ""))
    batch = request.POST.get("batch", "")
    if kept is None:
        messages.warning(
            request,
            _(
                "该通知单已经下载过或已超过 10 分钟有效期。"
                "如密码未能交给本人，请重置这些账号的密码。"
            ),
        )
        back = result_url(batch) if read_summary(request.user, batch) else reverse("accounts:users")
        return redirect(back)
    return download_response(kept.content, kept.filename)
