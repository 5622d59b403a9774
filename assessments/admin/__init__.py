"""Admin classes of the assessments app, one module per area."""

from . import health, register, standards  # noqa: F401
