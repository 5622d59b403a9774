"""Forms of the second-factor pages: a code to enrol or sign in, a user to reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import User
from .reset import resettable_users
from .services import TOTP_CODE, CodeCheck, Outcome, typed_code


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=40,
        help_text=gettext_lazy("身份验证器应用中显示的 6 位数字，每 30 秒更新一次。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def refuse(self, check: CodeCheck) -> None:
        """Say why a code was not accepted, and nothing else; the field is emptied for
        the next code."""
        data = self.data.copy()
        data["code"] = ""
        self.data = data
        if check.outcome is Outcome.THROTTLED:
            seconds = 1
            if check.retry_at is not None:
                seconds = max(1, int((check.retry_at - timezone.now()).total_seconds()) + 1)
            self.add_error(
                None,
                _("验证失败次数过多，请在 %(seconds)d 秒后再试。") % {"seconds": seconds},
            )
        else:
            self.add_error("code", _("验证码不正确，请重新输入。"))


class EnrolmentForm(CodeForm):
    def clean_code(self) -> str:
        code = typed_code(self.cleaned_data["code"])
        if not TOTP_CODE.fullmatch(code):
            raise ValidationError(_("请输入身份验证器应用中显示的 6 位数字。"))
        return code


class VerificationForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = _("验证码或恢复码")
        code.help_text = _(
            "输入身份验证器应用中显示的 6 位数字；手机不在身边时，可以输入一个恢复码"
            "（每个只能用一次）。"
        )
        # Recovery codes hold letters: a digits-only keyboard would hide them.
        code.widget.attrs.pop("inputmode", None)


class ResetForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.target: User | None = None

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if username == self.actor.get_username():
            raise ValidationError(
                _("不能在这里重置自己的双因素认证，请由其他县级组织部工作人员或系统管理员办理。")
            )
        # Unknown, outside the scope or a superuser: one answer, which confirms nothing.
        self.target = resettable_users(self.actor).filter(username=username).first()
        if self.target is None:
            raise ValidationError(_("您可以重置的用户中没有这个用户名。"))
        return username
