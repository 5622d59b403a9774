from .views import development, dues, roster, training, transfers

app_name = "members"

urlpatterns = [
    *roster.urlpatterns,
    *development.urlpatterns,
    *transfers.urlpatterns,
    *dues.urlpatterns,
    *training.urlpatterns,
]

# 民主评议党员
from .views import appraisals  # noqa: E402

urlpatterns += appraisals.urlpatterns

# Organisation life by name: attendance of a record, 党小组 of a branch
from .views import attendance, groups  # noqa: E402

urlpatterns += [*attendance.urlpatterns, *groups.urlpatterns]
