from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Use the portal's admin site, which admits users by their staff assignment."""

    default_site = "config.admin_site.PortalAdminSite"
