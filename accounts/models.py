"""Users and their assignments: who may act where."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.roles import Role


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=30, blank=True)
    # Set when staff create the account or reset its password (an initial password that
    # someone else has seen); cleared by the user's own change. While set, the user reaches
    # nothing but the password change page (accounts.passwords.middleware).
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Assignment(models.Model):
    """A user's role on an organisation and everything under it."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("用户")
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("党组织"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="assignment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="assignment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization.name}"
