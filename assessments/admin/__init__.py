"""Admin classes of the assessments app, one module per area."""

from . import checklists, health, register, standards  # noqa: F401
