"""Portal pages: dues."""

urlpatterns: list = []
