"""The members app's import/export resources: the roster (`roster`) and dues records (`dues`)."""
