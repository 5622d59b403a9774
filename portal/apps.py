from django.apps import AppConfig


class PortalConfig(AppConfig):
    """What every page of the portal shares and that knows the organisations: the export
    log and exports, the navigation, the command-line import and export."""

    name = "portal"
    verbose_name = "门户"
