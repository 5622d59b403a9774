from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import GuardedHistoryAdmin
from orgs.scope import is_staff_member, scope_q

from .models import Assignment, User
from .roles import WRITE_ROLES


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
    )
    readonly_fields = ["last_login", "date_joined"]

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
