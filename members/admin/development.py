"""Admin: development."""
