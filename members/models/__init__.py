from .appraisals import Appraisal, AppraisalResult, Disposition
from .attendance import Attendance, AttendanceStatus
from .development import DevelopmentCase, DevelopmentRule, RuleKey, Stage
from .dues import DuesBasis, DuesBracket, DuesRecord, DuesWaiver, WaiverApprover, WaiverKind
from .groups import PartyGroup
from .member import FULL_VIEW_PERMISSION, Member
from .training import TrainingRecord
from .transfers import Transfer, TransferKind, TransferState

__all__ = [
    "FULL_VIEW_PERMISSION",
    "Appraisal",
    "AppraisalResult",
    "Attendance",
    "AttendanceStatus",
    "DevelopmentCase",
    "DevelopmentRule",
    "Disposition",
    "DuesBasis",
    "DuesBracket",
    "DuesRecord",
    "DuesWaiver",
    "Member",
    "PartyGroup",
    "RuleKey",
    "Stage",
    "TrainingRecord",
    "Transfer",
    "TransferKind",
    "TransferState",
    "WaiverApprover",
    "WaiverKind",
]
