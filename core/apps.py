from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from django.core import checks
        from django.urls import register_converter

        from .checks import mail_links_check
        from .years import YearConverter

        checks.register(mail_links_check)
        # Before any URLconf is loaded (they are loaded lazily, after the apps are ready).
        register_converter(YearConverter, "year")
