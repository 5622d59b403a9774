from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from django.core import checks

        from .checks import mail_links_check

        checks.register(mail_links_check)
