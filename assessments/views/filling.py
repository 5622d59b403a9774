"""Portal pages: the secretary's quarterly lists (filling and submitting)."""

urlpatterns: list = []
