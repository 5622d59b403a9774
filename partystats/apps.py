from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartystatsConfig(AppConfig):
    name = "partystats"
    verbose_name = _("党内统计")

    def ready(self) -> None:
        from django.core.checks import register

        from .checks import occupations_check

        register(occupations_check)
