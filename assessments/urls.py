"""/health/: the health rules, the weak-and-lax register, the 标准化规范化 grading and the
secretaries' 述职评议 (the quarterly lists are the checklists app's, under /checklists/)."""

from .health import views as health
from .register import views as register
from .secretary_reviews import views as secretary_reviews
from .standards import views as standards

app_name = "assessments"

urlpatterns = [
    *health.urlpatterns,
    *register.urlpatterns,
    *standards.urlpatterns,
    *secretary_reviews.urlpatterns,
]
