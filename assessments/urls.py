from .views import health, register, secretary_reviews, standards

app_name = "assessments"

urlpatterns = [
    *health.urlpatterns,
    *register.urlpatterns,
    *standards.urlpatterns,
    *secretary_reviews.urlpatterns,
]
