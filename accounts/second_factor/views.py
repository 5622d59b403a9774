"""The second-factor pages: enrol an authenticator, verify a sign-in, reset a user's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from ..redirects import next_url
from .authenticator_display import manual_key, qr_svg
from .forms import EnrolmentForm, ResetForm, VerificationForm
from .reset import can_reset_second_factors, reset_second_factor
from .selectors import has_authenticator, requires_second_factor
from .services import (
    confirm_enrolment,
    pending_authenticator,
    recovery_codes_left,
    verify_code,
)

#: a warning once this few recovery codes are left
FEW_RECOVERY_CODES = 3


def verified(request: HttpRequest, device: Device) -> None:
    """Mark the session as having passed the second factor, under a new session key."""
    otp_login(request, device)
    request.session.cycle_key()


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not requires_second_factor(user):
        return redirect(next_url(request))
    if has_authenticator(user):
        # Enrolling again needs a reset: a password alone must never add an authenticator.
        if user.is_verified():
            messages.info(request, _("您已启用双因素认证。"))
            return redirect(next_url(request))
        return redirect_to_login(next_url(request), reverse("accounts:otp_verify"))
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = confirm_enrolment(request, user, form.cleaned_data["code"])
        if check.accepted:
            verified(request, check.device)
            # Shown in this response only: the codes are never displayed again.
            return render(
                request,
                "registration/otp_recovery_codes.html",
                {"codes": check.recovery_codes, "next": next_url(request)},
            )
        form.refuse(check)
    device = pending_authenticator(user)
    context = {
        "form": form,
        "qr_code": qr_svg(device.config_url, _("用身份验证器应用扫描此二维码")),
        "manual_key": manual_key(device),
        "next": next_url(request),
    }
    return render(request, "registration/otp_setup.html", context)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not requires_second_factor(user) or user.is_verified():
        return redirect(next_url(request))
    if not has_authenticator(user):
        return redirect_to_login(next_url(request), reverse("accounts:otp_setup"))
    form = VerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = verify_code(request, user, form.cleaned_data["code"])
        if check.accepted:
            verified(request, check.device)
            if isinstance(check.device, StaticDevice):
                left = recovery_codes_left(user)
                notify = messages.warning if left <= FEW_RECOVERY_CODES else messages.info
                notify(
                    request,
                    _(
                        "已使用一个恢复码，还剩 %(left)d 个。恢复码用完后，请联系县级组织部"
                        "工作人员重置双因素认证。"
                    )
                    % {"left": left},
                )
            return redirect(next_url(request))
        form.refuse(check)
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": next_url(request)}
    )


@never_cache
@login_required
def reset(request: HttpRequest) -> HttpResponse:
    """?username= asks for confirmation; the POST of that page resets."""
    actor = request.user
    if not can_reset_second_factors(actor):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    form = ResetForm(data if "username" in data else None, actor=actor)
    if not form.is_valid():
        return render(request, "registration/otp_reset.html", {"form": form})
    target = form.target
    if request.method == "POST":
        reset_second_factor(actor=actor, target=target, request=request)
        messages.success(
            request,
            _("已重置用户 %(user)s 的双因素认证，该用户下次登录时需要重新绑定身份验证器。")
            % {"user": target.username},
        )
        return redirect("accounts:otp_reset")
    context = {"form": form, "target": target, "enrolled": has_authenticator(target)}
    return render(request, "registration/otp_reset_confirm.html", context)
