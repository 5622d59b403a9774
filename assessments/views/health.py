"""Portal pages: health."""

urlpatterns: list = []
