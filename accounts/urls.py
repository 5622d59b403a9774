from django.urls import path

from . import second_factor_views

app_name = "accounts"

urlpatterns = [
    path("otp/setup/", second_factor_views.setup, name="otp_setup"),
    path("otp/verify/", second_factor_views.verify, name="otp_verify"),
    path("otp/reset/", second_factor_views.reset, name="otp_reset"),
]
