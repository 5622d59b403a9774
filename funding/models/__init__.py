from .economy import EconomyRecord
from .funds import Disbursement, FiscalRevenue, FundingStandard, FundLine, Payroll
from .sites import AttachmentKind, StageChange, VenueAttachment, VenueProject

__all__ = [
    "AttachmentKind",
    "Disbursement",
    "EconomyRecord",
    "FiscalRevenue",
    "FundLine",
    "FundingStandard",
    "Payroll",
    "StageChange",
    "VenueAttachment",
    "VenueProject",
]
