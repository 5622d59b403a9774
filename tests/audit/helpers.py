"""Helpers of the audit tests."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from audit.models import AuditEvent


def events(kind: str) -> list[AuditEvent]:
    """The events of `kind`, oldest first."""
    return list(AuditEvent.objects.filter(kind=kind).order_by("created_at", "pk"))


def full_view_permission() -> Permission:
    return Permission.objects.get(codename="view_full_personal_data")
