"""The user's in-portal notifications: the list, mark one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .models import Notification
from .notifications import mark_all_read, mark_read

PER_PAGE = 30


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    if not mark_read(user=request.user, notification_id=pk):
        raise Http404  # not the user's own: as if it did not exist
    # "open" follows the notification's link once it is marked read.
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": count})
    return redirect("notifications:list")
