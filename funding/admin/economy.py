"""Admin: economy."""
