"""The form of every user's own password change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext as _

from .services import own_password_change


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form (current password, the new one twice, the validators), refusing the
    current password as the new one: an initial password someone else has seen must go."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        new = cleaned.get("new_password2")
        if new and new == cleaned.get("old_password"):
            self.add_error("new_password2", _("新密码不能与当前密码相同。"))
        return cleaned

    def save(self, commit: bool = True) -> Any:
        return own_password_change(user=self.user, password=self.cleaned_data["new_password1"])
