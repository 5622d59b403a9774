"""The teams app's data-dictionary tables: committee, elections, postings."""

from .committee import CommitteeResource
from .elections import ElectionResource
from .postings import PostingResource

__all__ = ["CommitteeResource", "ElectionResource", "PostingResource"]
