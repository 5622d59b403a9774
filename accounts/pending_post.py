"""A form sent after the session timed out is not lost.

When the idle timeout ends a session on a POST, the form's fields (not its files) are kept
in the new, anonymous session with the page and the user they belong to. When that same
user signs in again and comes back to the page (the login page sends them there), the
form is submitted for them once: the view saves it, or shows it again with their input
and its errors. Another user signing in on the same browser gets nothing of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

SESSION_KEY = "pending_post"
#: a kept form is offered back for this long after the timeout
KEEP_SECONDS = 3600
#: larger forms are not kept (sessions are stored rows, not a file store)
MAX_BYTES = 64 * 1024
NOT_KEPT = frozenset({"csrfmiddlewaretoken"})


def keep(request: HttpRequest, user_pk: Any) -> bool:
    """Put the request's form into its (new) session; False when there is nothing to keep
    or it is too large."""
    data = {key: request.POST.getlist(key) for key in request.POST if key not in NOT_KEPT}
    if not data or sum(len(v) for values in data.values() for v in values) > MAX_BYTES:
        return False
    request.session[SESSION_KEY] = {
        "path": request.path,
        "user": str(user_pk),
        "data": data,
        "had_files": bool(request.FILES),
        "at": int(time.time()),
    }
    return True


class PendingPostMiddleware:
    """Submits a kept form when its user is back on its page (after CSRF and
    authentication have run for that GET)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        kept = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if not kept or request.method != "GET" or not request.user.is_authenticated:
            return None
        if kept.get("path") != request.path:
            return None
        del request.session[SESSION_KEY]
        if kept.get("user") != str(request.user.pk) or time.time() - kept["at"] > KEEP_SECONDS:
            return None
        form = QueryDict(mutable=True)
        for key, values in kept["data"].items():
            form.setlist(key, values)
        form._mutable = False
        request.method = "POST"
        request.POST = form
        messages.info(
            request,
            _("已按您超时前填写的内容重新提交。")
            + (_("所附文件（如照片）需要重新选择。") if kept.get("had_files") else ""),
        )
        return None
