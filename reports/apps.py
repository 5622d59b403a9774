from django.apps import AppConfig


def build_demo_bulletins() -> str:
    # Imported when seed_demo runs, not when every web process starts.
    from .demo import build_demo_bulletins as build

    return build()


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计与通报"

    def ready(self) -> None:
        from core.registry import register_demo_documents

        register_demo_documents("bulletins", build_demo_bulletins)
