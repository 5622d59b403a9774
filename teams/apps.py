from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("班子与换届")

    def ready(self) -> None:
        from core.registry import register_kinds

        from . import receivers  # noqa: F401  the organisation's 书记 columns feed the team
        from .kinds import KINDS

        register_kinds(KINDS)
