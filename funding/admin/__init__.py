"""Admin classes of the funding app, one module per area."""

from . import economy, funds, sites  # noqa: F401
