"""Portal pages: training."""

urlpatterns: list = []
