"""Account management by staff: the account pages, creating accounts with initial
passwords and their printable slips, resets, unlocking, deactivation."""
