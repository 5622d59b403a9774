"""Portal pages: funds."""

urlpatterns: list = []
