"""The funding app's data-dictionary tables for import_data / export_data and the admin."""

from core.registry import Kind

from .resources import EconomyRecordResource, FundLineResource, VenueProjectResource

KINDS = (
    Kind("funds", "党建经费", FundLineResource, org_prefix="organization__"),
    Kind("sites", "阵地建设项目", VenueProjectResource, org_prefix="organization__"),
    Kind("economy", "村级集体经济", EconomyRecordResource, org_prefix="organization__"),
)
