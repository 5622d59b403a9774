"""Portal pages: templates and issuing (staff)."""

urlpatterns: list = []
