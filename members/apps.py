from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from orgs.figures import register_member_count_provider

        from . import kinds  # noqa: F401 - registers the import/export tables
        from .selectors import active_member_counts

        register_member_count_provider(active_member_counts)
