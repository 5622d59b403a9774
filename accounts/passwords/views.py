"""Every user's own password change, at Django's conventional addresses
(/accounts/password_change/ and …/done/), with Chinese pages. A forced change (an
initial password, accounts.password_change_required) goes on to the page first asked
for."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import PasswordChangeDoneView, PasswordChangeView
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .account_forms import OwnPasswordChangeForm


def next_url(request: HttpRequest) -> str:
    """Where the user was going (?next=, kept through the form), if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class OwnPasswordChangeView(PasswordChangeView):
    form_class = OwnPasswordChangeForm
    template_name = "registration/password_change_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["next"] = next_url(self.request)
        context["forced"] = self.request.user.must_change_password
        return context

    def get_success_url(self) -> str:
        done = reverse("accounts:password_change_done")
        return f"{done}?{urlencode({'next': next_url(self.request)})}"


class OwnPasswordChangeDoneView(PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["next"] = next_url(self.request)
        return context


password_change = OwnPasswordChangeView.as_view()
password_change_done = OwnPasswordChangeDoneView.as_view()
