from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "经费与阵地"

    def ready(self) -> None:
        from core.registry import Kind, register_demo, register_kind

        from .demo import load_demo_funding
        from .resources import EconomyRecordResource, FundLineResource, VenueProjectResource
        from .warnings import register_org_warnings

        register_kind(Kind("funds", "党建经费", FundLineResource, org_prefix="organization__"))
        register_kind(
            Kind("sites", "阵地建设项目", VenueProjectResource, org_prefix="organization__")
        )
        register_kind(
            Kind("economy", "村级集体经济", EconomyRecordResource, org_prefix="organization__")
        )
        register_org_warnings()
        register_demo("funding", load_demo_funding)
