"""What staff do to one account: reset its password, release the login lock, deactivate
and reactivate it. Each is a confirmation page (GET ?username=) and its POST; an account
the user may not manage is a 404, exactly like one that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from core.submissions import REPEATED_MESSAGE, RepeatedSubmission, earlier_result

from ..models import User
from .forms import TargetForm
from .handout import reset_with_slip
from .scope import assignments_in_scope, managed_users
from .selectors import locked_usernames
from .services import (
    account_deactivate,
    account_reactivate,
    account_unlock,
)
from .slips import SlipsUnavailable
from .views import staff_only


@dataclass(frozen=True)
class Action:
    """What a confirmation page says and where its form goes."""

    url_name: str
    title: Any
    explanation: Any
    button: Any
    danger: bool


def managed_or_404(request: HttpRequest) -> User:
    data = request.POST if request.method == "POST" else request.GET
    username = str(data.get("username", ""))[:150]
    user = managed_users(request.user).filter(username=username).first() if username else None
    if user is None:
        raise Http404
    return user


def confirmation(request: HttpRequest, target: User, action: Action) -> HttpResponse:
    context = {
        "target": target,
        "action": action,
        "form": TargetForm(initial={"username": target.username}),
        "assignments": assignments_in_scope(request.user)
        .filter(user=target)
        .select_related("organization")
        .order_by("organization__path"),
        "locked": bool(locked_usernames([target.username])),
    }
    return render(request, "accounts/confirm.html", context)


ACTIONS = {
    "unlock": Action(
        url_name="accounts:unlock",
        title=gettext_lazy("解除登录锁定"),
        explanation=gettext_lazy(
            "该账号因连续输错密码被暂时锁定。解除后可立即重新登录；如本人忘记了密码，请改为重置密码。"
        ),
        button=gettext_lazy("解除锁定"),
        danger=False,
    ),
    "deactivate": Action(
        url_name="accounts:deactivate",
        title=gettext_lazy("停用账号"),
        explanation=gettext_lazy(
            "停用后该账号不能再登录，已登录的也会立即退出；账号、角色和历史记录都保留，可以重新启用。"
            "书记换人时请停用原书记的账号，再为新书记开通账号。"
        ),
        button=gettext_lazy("确认停用"),
        danger=True,
    ),
    "reactivate": Action(
        url_name="accounts:reactivate",
        title=gettext_lazy("重新启用账号"),
        explanation=gettext_lazy(
            "启用后该账号可以用原来的密码登录。如不确定密码是否泄露，请同时重置密码。"
        ),
        button=gettext_lazy("确认启用"),
        danger=False,
    ),
}
#: the service of each action and what the list says afterwards
RUNS: dict[str, tuple[Callable[..., Any], Any]] = {
    "unlock": (account_unlock, gettext_lazy("已解除 %(user)s 的登录锁定。")),
    "deactivate": (account_deactivate, gettext_lazy("已停用账号 %(user)s。")),
    "reactivate": (account_reactivate, gettext_lazy("已重新启用账号 %(user)s。")),
}


def account_action(name: str) -> Callable[[HttpRequest], HttpResponse]:
    action = ACTIONS[name]
    run, done = RUNS[name]

    @never_cache
    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        staff_only(request)
        target = managed_or_404(request)
        if request.method != "POST":
            return confirmation(request, target, action)
        result = run(actor=request.user, target=target, request=request)
        if name == "unlock" and not result:
            messages.info(request, _("账号 %(user)s 当前没有被锁定。") % {"user": target.username})
        else:
            messages.success(request, done % {"user": target.username})
        return redirect("accounts:users")

    view.__name__ = name
    return view


unlock = account_action("unlock")
deactivate = account_action("deactivate")
reactivate = account_action("reactivate")

RESET = Action(
    url_name="accounts:password_reset",
    title=gettext_lazy("重置密码"),
    explanation=gettext_lazy(
        "重置后原密码立即失效，该账号已登录的地方也会退出；系统生成新的初始密码，只显示这一次，"
        "并提供可打印的通知单。本人下次登录时须设置新密码。请先当面或电话核实是本人提出的申请。"
    ),
    button=gettext_lazy("确认重置"),
    danger=True,
)


@never_cache
@login_required
def password_reset(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    if request.method == "POST" and (done := earlier_result(request.POST)) is not None:
        messages.info(request, REPEATED_MESSAGE)
        return redirect(done or "accounts:users")
    target = managed_or_404(request)
    if request.method != "POST":
        return confirmation(request, target, RESET)
    form = TargetForm(request.POST)
    submission = form.cleaned_data.get("submission") if form.is_valid() else None
    try:
        password, files = reset_with_slip(
            actor=request.user, request=request, target=target, submission=submission
        )
    except RepeatedSubmission as repeat:
        messages.info(request, REPEATED_MESSAGE)
        return redirect(repeat.url or "accounts:users")
    except SlipsUnavailable as exc:
        messages.error(request, _("无法生成通知单，密码没有重置：%(reason)s") % {"reason": exc})
        return redirect("accounts:users")
    # Shown in this response only (never cached): the password is stored nowhere but in
    # the slip's file.
    return render(
        request,
        "accounts/password_reset_done.html",
        {"target": target, "password": password, "files": files},
    )
