from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "党组织"

    def ready(self) -> None:
        from core.counting import track
        from core.registry import register_kinds

        from .kinds import KINDS
        from .models import Organization

        register_kinds(KINDS)
        track(Organization)  # lists scoped by the tree cache their totals (core/counting.py)
