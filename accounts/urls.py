from django.urls import path

from .manage import action_views as manage_actions
from .manage import views as manage
from .passwords import views as passwords
from .second_factor import views as second_factor

app_name = "accounts"

urlpatterns = [
    path("otp/setup/", second_factor.setup, name="otp_setup"),
    path("otp/verify/", second_factor.verify, name="otp_verify"),
    path("otp/reset/", second_factor.reset, name="otp_reset"),
    # Every user's own password (Django's conventional addresses, in this namespace).
    path("password_change/", passwords.password_change, name="password_change"),
    path("password_change/done/", passwords.password_change_done, name="password_change_done"),
    # Account management by staff. The account an action is for is ?username= (like the
    # second factor's reset), so that no address names a user the page would refuse.
    path("", manage.users, name="users"),
    path("new/", manage.create, name="create"),
    path("secretaries/", manage.missing_secretaries, name="missing_secretaries"),
    path("secretaries/create/", manage.create_secretary, name="create_secretary"),
    path("secretaries/bulk/", manage.create_secretaries, name="create_secretaries"),
    path("created/", manage.created, name="created"),
    path("slips/", manage.slip, name="slip"),
    path("password-reset/", manage_actions.password_reset, name="password_reset"),
    path("unlock/", manage_actions.unlock, name="unlock"),
    path("deactivate/", manage_actions.deactivate, name="deactivate"),
    path("reactivate/", manage_actions.reactivate, name="reactivate"),
]
