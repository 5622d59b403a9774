"""What staff do to accounts in the portal (accounts.manage.services), for whoever listens
(the audit trail). Like accounts.signals: accounts does not import audit, and each signal
is sent inside the transaction of the change it reports.

Every signal carries `request` (None outside a request), `actor` (who did it) and `target`
(the account it was done to).
"""

from django.dispatch import Signal

#: a new account with one role (kwargs also: organization, role)
account_created = Signal()
#: a new initial password; the user must change it at the next sign-in
password_reset = Signal()
#: the login throttle's lock released (kwargs also: released, the number of records)
account_unlocked = Signal()
#: the account can no longer sign in
account_deactivated = Signal()
#: the account can sign in again
account_reactivated = Signal()
