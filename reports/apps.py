from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计与通报"

    def ready(self) -> None:
        from core.registry import register_demo_documents

        from .demo import build_demo_bulletins

        register_demo_documents("bulletins", build_demo_bulletins)
