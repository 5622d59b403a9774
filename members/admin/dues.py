"""Admin: dues."""
