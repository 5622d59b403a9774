"""Admin: register."""
