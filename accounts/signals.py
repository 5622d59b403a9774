"""What happens to a user's second factor, for whoever listens (the audit trail).

accounts does not import audit: the audit app connects its receivers to these signals.
Each is sent inside the transaction of the change it reports.
"""

from django.dispatch import Signal

#: a user confirmed a new authenticator (kwargs: request, user)
second_factor_enrolled = Signal()
#: a code was refused or not checked because of throttling (kwargs: request, user, reason)
second_factor_failed = Signal()
#: `actor` deleted `target`'s authenticator and recovery codes (kwargs: request, actor, target)
second_factor_reset = Signal()
