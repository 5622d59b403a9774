from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

# Imported first so that their registrations exist to be undone below.
from django_otp.plugins.otp_static import admin as _otp_static_admin  # noqa: F401
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _otp_totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin import GuardedHistoryAdmin
from orgs.roles import WRITE_ROLES
from orgs.scope import is_staff_member, scope_q

from .models import Assignment, User
from .second_factor.reset import can_reset_second_factors
from .second_factor.selectors import has_authenticator

# django-otp's own admins show every user's TOTP secret (as a QR code) and recovery codes
# to whoever may view them: nobody sees them here. Resetting is accounts:otp_reset.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


def second_factor_cell(user: User) -> str:
    """Whether the user has an authenticator, and the link to reset it (the reset page
    decides whether the viewer may)."""
    state = _("已绑定身份验证器") if has_authenticator(user) else _("未绑定")
    url = f"{reverse('accounts:otp_reset')}?{urlencode({'username': user.get_username()})}"
    return format_html('{} · <a href="{}">{}</a>', state, url, _("重置双因素认证"))


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(GuardedHistoryAdmin, DjangoUserAdmin):
    """Accounts are managed by superusers (and by `manage.py grant`)."""

    inlines = [AssignmentInline]
    list_display = ["username", "full_name", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "email")}),
        (_("状态"), {"fields": ("is_active", "is_superuser", "last_login", "date_joined")}),
        (_("双因素认证"), {"fields": ("second_factor",)}),
    )
    readonly_fields = ["last_login", "date_joined", "second_factor"]

    @admin.display(description=_("身份验证器"))
    def second_factor(self, obj: User) -> str:
        return second_factor_cell(obj) if obj.pk else "—"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_delete_permission = has_change_permission


@admin.register(Assignment)
class AssignmentAdmin(GuardedHistoryAdmin):
    """Staff see who holds which role inside their subtree; superusers grant."""

    list_display = ["user", "role", "organization", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "organization__name"]
    autocomplete_fields = ["organization", "user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(scope_q(request.user, "organization__", WRITE_ROLES))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # County staff reach a user's reset from here (the user admin is superusers').
        if obj is not None and can_reset_second_factors(request.user):
            fields.append("second_factor")
        return fields

    @admin.display(description=_("双因素认证"))
    def second_factor(self, obj: Assignment) -> str:
        return second_factor_cell(obj.user)

    def has_module_permission(self, request):
        return is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return is_staff_member(request.user)
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_delete_permission = has_change_permission
