"""Portal pages: register."""

urlpatterns: list = []
