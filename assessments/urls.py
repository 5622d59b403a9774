from .views import health, register

app_name = "assessments"

urlpatterns = [*health.urlpatterns, *register.urlpatterns]
