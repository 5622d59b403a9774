"""Portal pages: reviewing and scoring lists, rectification."""

urlpatterns: list = []
