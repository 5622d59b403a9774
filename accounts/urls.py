from django.urls import path

from . import account_action_views, account_views, password_views, second_factor_views

app_name = "accounts"

urlpatterns = [
    path("otp/setup/", second_factor_views.setup, name="otp_setup"),
    path("otp/verify/", second_factor_views.verify, name="otp_verify"),
    path("otp/reset/", second_factor_views.reset, name="otp_reset"),
    # Every user's own password (Django's conventional addresses, in this namespace).
    path("password_change/", password_views.password_change, name="password_change"),
    path("password_change/done/", password_views.password_change_done, name="password_change_done"),
    # Account management by staff. The account an action is for is ?username= (like the
    # second factor's reset), so that no address names a user the page would refuse.
    path("", account_views.users, name="users"),
    path("new/", account_views.create, name="create"),
    path("secretaries/", account_views.missing_secretaries, name="missing_secretaries"),
    path("secretaries/create/", account_views.create_secretary, name="create_secretary"),
    path("secretaries/bulk/", account_views.create_secretaries, name="create_secretaries"),
    path("created/", account_views.created, name="created"),
    path("slips/", account_views.slip, name="slip"),
    path("password-reset/", account_action_views.password_reset, name="password_reset"),
    path("unlock/", account_action_views.unlock, name="unlock"),
    path("deactivate/", account_action_views.deactivate, name="deactivate"),
    path("reactivate/", account_action_views.reactivate, name="reactivate"),
]
