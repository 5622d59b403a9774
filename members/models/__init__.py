from .development import DevelopmentCase, DevelopmentRule, RuleKey, Stage
from .dues import DuesBasis, DuesBracket, DuesRecord
from .member import FULL_VIEW_PERMISSION, Member
from .training import TrainingRecord
from .transfers import Transfer, TransferKind, TransferState

__all__ = [
    "FULL_VIEW_PERMISSION",
    "DevelopmentCase",
    "DevelopmentRule",
    "DuesBasis",
    "DuesBracket",
    "DuesRecord",
    "Member",
    "RuleKey",
    "Stage",
    "TrainingRecord",
    "Transfer",
    "TransferKind",
    "TransferState",
]
