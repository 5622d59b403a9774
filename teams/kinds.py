"""The teams app's data-dictionary tables for import_data / export_data and the admin."""

from core.registry import Kind

from .resources import CommitteeResource, ElectionResource, PostingResource

KINDS = (
    # Committee and posting rows carry ID numbers: masked in exports unless permitted,
    # and every export logged. Elections hold no personal data.
    Kind("committee", "班子成员", CommitteeResource, org_prefix="organization__", personal=True),
    Kind("elections", "换届选举", ElectionResource, org_prefix="organization__"),
    Kind("postings", "选派干部", PostingResource, org_prefix="organization__", personal=True),
)
