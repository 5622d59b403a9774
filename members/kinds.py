"""The members app's data-dictionary tables for import_data / export_data and the admin."""

from core.registry import Kind

from .resources.appraisals import AppraisalResource
from .resources.dues import DuesResource
from .resources.roster import MemberResource

KINDS = (
    Kind("members", "党员", MemberResource, org_prefix="organization__", personal=True),
    # Dues rows carry ID numbers: masked in exports unless permitted, and every export logged.
    Kind("dues", "党费", DuesResource, org_prefix="member__organization__", personal=True),
    # 民主评议党员: scoped by the organisation that appraised, which the member may since
    # have left; rows carry ID numbers like the dues.
    Kind(
        "appraisals",
        "民主评议党员",
        AppraisalResource,
        org_prefix="organization__",
        personal=True,
    ),
)
