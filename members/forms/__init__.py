"""The members app's forms, one module per sub-domain (roster, pipeline, transfers, dues,
training)."""
