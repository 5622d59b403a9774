from django.contrib import admin
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

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or is_staff_member(user))
