"""Admin: health."""
