from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "经费与阵地"

    def ready(self) -> None:
        from core.registry import register_kinds

        from .kinds import KINDS
        from .warnings import register_org_warnings

        register_kinds(KINDS)
        register_org_warnings()
