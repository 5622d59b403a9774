"""Changing one's own password."""

from __future__ import annotations

from django.contrib.auth import password_validation

from ..models import User


def own_password_change(*, user: User, password: str) -> User:
    """The user's own new password (already validated by the form); the obligation to
    change it is then met."""
    user.set_password(password)
    user.must_change_password = False
    user.save()
    password_validation.password_changed(password, user)
    return user
