"""Admin: sites."""
