from .views import health, register, standards

app_name = "assessments"

urlpatterns = [*health.urlpatterns, *register.urlpatterns, *standards.urlpatterns]
