from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "党组织"

    def ready(self) -> None:
        from core.counting import track
        from core.registry import Kind, register_kind

        from .life_resources import OrgLifeRecordResource
        from .models import Organization
        from .resources import OrganizationResource

        register_kind(Kind("orgs", "党组织", OrganizationResource, org_prefix=""))
        register_kind(Kind("life", "组织生活", OrgLifeRecordResource, org_prefix="organization__"))
        track(Organization)  # lists scoped by the tree cache their totals (core/counting.py)
