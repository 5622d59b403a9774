"""Admin classes of the assessments app: each sub-domain registers its own."""

from .health import admin as health_admin  # noqa: F401
from .register import admin as register_admin  # noqa: F401
from .standards import admin as standards_admin  # noqa: F401
