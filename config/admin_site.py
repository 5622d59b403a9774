from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orgs.scope import is_staff_member


class PortalAdminSite(admin.AdminSite):
    """The back office: open to superusers and to users holding a staff assignment.

    Access follows Assignments (the scoping API), not Django's is_staff flag and model
    permissions, so that there is one source of truth for who may do what where.
    """

    site_header = _("基层党建管理平台 · 后台管理")
    site_title = _("基层党建管理平台后台")
    index_title = _("数据维护")

    def login(self, request, extra_context=None):
        # One login page for everybody: the admin's own requires is_staff, which we do not use.
        # A signed-in user without a staff assignment is refused: the portal login would send
        # them straight back here (redirect_authenticated_user), a redirect loop.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), settings.LOGIN_URL
        )

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or is_staff_member(user))
