from .committee import CommitteeMember
from .elections import Election
from .pay import CadrePay, PayStandard
from .postings import Posting
from .vetting import Candidate, ReserveCadre, VettingCheck

__all__ = [
    "CadrePay",
    "Candidate",
    "CommitteeMember",
    "Election",
    "PayStandard",
    "Posting",
    "ReserveCadre",
    "VettingCheck",
]
