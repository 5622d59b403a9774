"""What the members app tells the apps above it, without knowing them (the audit trail
listens)."""

from django.dispatch import Signal

#: a page showed members' ID numbers and phones unmasked; kwargs: request, members (the
#: members shown), page ("detail" or "list")
full_data_viewed = Signal()
