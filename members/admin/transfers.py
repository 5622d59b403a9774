"""Admin: transfers."""
