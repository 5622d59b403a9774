"""The bulletin pages: the list of the user's scope (with the form to ask for one), asking,
and downloading a PDF.

Everyone with a role sees the bulletins of their subtree; leaders and staff ask for one of
an organisation their leader/staff scope covers (secretaries only read). A bulletin outside
the user's scope does not exist for them (404, also when its id is guessed).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from core.downloads import download_response
from core.forms import FastSelect, ServiceErrorsMixin
from core.periods import Period
from orgs.models import Organization
from orgs.options import OrgOption, org_choices
from orgs.scope import get_visible_or_404, scope_q

from .bulletin_runs import GENERATE_ROLES, download_name, is_pending, is_stale, request_bulletin
from .models import Bulletin
from .views import last_closed_quarter, offered_quarters, quarter_choices

PAGE_SIZE = 30
#: seconds between reloads while a bulletin on the page is being built
REFRESH_SECONDS = 5


def generate_options(user: Any) -> list[OrgOption]:
    """Organisations the user may ask a bulletin for, in tree order (one query)."""
    rows = (
        Organization.objects.filter(scope_q(user, "", GENERATE_ROLES))
        .order_by("path")
        .values_list("code", "name", "path", "depth")
    )
    return [OrgOption(*row) for row in rows]


class BulletinRequestForm(ServiceErrorsMixin, forms.Form):
    org = forms.ChoiceField(
        label=_lazy("通报范围"),
        widget=FastSelect,
        error_messages={
            "required": _lazy("请选择通报范围（党组织）。"),
            "invalid_choice": _lazy("“通报范围”只能选择您可以生成通报的党组织。"),
        },
    )
    period = forms.ChoiceField(
        label=_lazy("季度"),
        error_messages={
            "required": _lazy("请选择季度。"),
            "invalid_choice": _lazy("“季度”只能选择列出的季度。"),
        },
    )

    def __init__(self, *args: Any, options: list[OrgOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = org_choices(options, empty_label="")
        self.fields["org"].widget.choices = self.fields["org"].choices
        self.fields["period"].choices = quarter_choices(offered_quarters())
        # A bulletin reports a closed quarter unless the running one is chosen.
        if options and not self.is_bound:
            self.initial = {"org": options[0].code, "period": str(last_closed_quarter())}

    def clean_period(self) -> Period:
        return Period.parse(self.cleaned_data["period"])


def _list_page(request: HttpRequest, form: BulletinRequestForm | None, status: int = 200):
    bulletins = (
        Bulletin.objects.visible_to(request.user)
        .select_related("organization", "requested_by")
        .order_by("-year", "-number", "organization__path")
    )
    page = Paginator(bulletins, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for bulletin in page.object_list:
        bulletin.stale = is_stale(bulletin, now)
        bulletin.pending = is_pending(bulletin) and not bulletin.stale
    pending = any(bulletin.pending for bulletin in page.object_list)
    context = {
        "page": page,
        "form": form,
        "refresh_seconds": REFRESH_SECONDS if pending else None,
    }
    return render(request, "reports/bulletin_list.html", context, status=status)


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    options = generate_options(request.user)
    form = BulletinRequestForm(options=options) if options else None
    return _list_page(request, form)


@login_required
@require_POST
def bulletin_request(request: HttpRequest) -> HttpResponse:
    options = generate_options(request.user)
    if not options:
        raise PermissionDenied(_("只有领导和组织部工作人员可以生成通报。"))
    form = BulletinRequestForm(request.POST, options=options)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    org = Organization.objects.get(code=form.cleaned_data["org"])
    period = form.cleaned_data["period"]
    try:
        bulletin = request_bulletin(user=request.user, org=org, period=period)
    except ValidationError as exc:
        form.add_service_error(exc)
        return _list_page(request, form, status=400)
    bulletin.refresh_from_db()
    if bulletin.status == Bulletin.Status.DONE:
        messages.success(request, _("“%(b)s”已生成，可以下载。") % {"b": bulletin})
    elif bulletin.status == Bulletin.Status.FAILED:
        messages.error(request, _("“%(b)s”生成失败：%(e)s") % {"b": bulletin, "e": bulletin.error})
    else:
        messages.info(request, _("“%(b)s”正在生成，本页会自动刷新。") % {"b": bulletin})
    return redirect("bulletins:list")


@login_required
def bulletin_download(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_visible_or_404(
        Bulletin.objects.select_related("organization"), request.user, pk=pk
    )
    if bulletin.status != Bulletin.Status.DONE or not bulletin.file:
        raise Http404
    try:
        with bulletin.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError as exc:
        raise Http404 from exc
    return download_response(content, download_name(bulletin))
