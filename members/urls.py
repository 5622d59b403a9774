from .views import development, dues, roster, training, transfers

app_name = "members"

urlpatterns = [
    *roster.urlpatterns,
    *development.urlpatterns,
    *transfers.urlpatterns,
    *dues.urlpatterns,
    *training.urlpatterns,
]
