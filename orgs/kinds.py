"""The orgs app's data-dictionary tables for import_data / export_data and the admin."""

from core.registry import Kind

from .life.resources import OrgLifeRecordResource
from .resources import OrganizationResource

KINDS = (
    Kind("orgs", "党组织", OrganizationResource, org_prefix=""),
    Kind("life", "组织生活", OrgLifeRecordResource, org_prefix="organization__"),
)
