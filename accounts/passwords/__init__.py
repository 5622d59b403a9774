"""Every user's own password: its rules, its change, and the change owed after an initial
password."""
