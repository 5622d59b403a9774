"""Portal pages: sites."""

urlpatterns: list = []
