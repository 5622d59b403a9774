from .views import economy, funds, sites

app_name = "funding"

# Mounted at the site root: the pages live under /funding/, /sites/ and /economy/.
urlpatterns = [*funds.urlpatterns, *sites.urlpatterns, *economy.urlpatterns]
