"""Admin classes of the members app, one module per area."""

from . import appraisals, development, dues, roster, training, transfers  # noqa: F401
