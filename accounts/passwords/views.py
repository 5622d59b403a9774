"""Every user's own password change, at Django's conventional addresses
(/accounts/password_change/ and …/done/), with Chinese pages. A forced change (an
initial password, accounts.passwords.middleware) goes on to the page first asked
for."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import PasswordChangeDoneView, PasswordChangeView
from django.urls import reverse

from ..redirects import next_url
from .forms import OwnPasswordChangeForm


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
