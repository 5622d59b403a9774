"""Portal pages: development."""

urlpatterns: list = []
