"""Portal pages: transfers."""

urlpatterns: list = []
