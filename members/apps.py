from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from core.counting import track
        from core.registry import register_kinds
        from orgs.figures import register_member_count_provider

        from .kinds import KINDS
        from .models import Member
        from .selectors import active_member_counts
        from .services.attendance import register_life_providers
        from .warnings import register_org_warnings

        register_kinds(KINDS)
        register_member_count_provider(active_member_counts)
        register_org_warnings()
        # The organisation life pages (orgs may not import members) read attendance and
        # party groups through these providers.
        register_life_providers()
        track(Member)  # the roster's cached totals (core/counting.py)
