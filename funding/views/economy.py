"""Portal pages: economy."""

urlpatterns: list = []
