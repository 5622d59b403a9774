"""Portal pages: roster."""

urlpatterns: list = []
