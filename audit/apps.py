from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        from django.core import checks

        from . import receivers  # noqa: F401 - connects the signal receivers
        from .checks import retention_check

        checks.register(retention_check)
