"""An organisation saved with a 书记 name feeds its committee (services.committee)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from orgs.models import Organization

from .services.committee import feed_from_organization


@receiver(post_save, sender=Organization, dispatch_uid="teams_feed_secretary")
def organization_saved(
    sender: Any, instance: Organization, raw: bool = False, **kwargs: Any
) -> None:
    if raw:  # loading a fixture: the committee rows come with it
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "secretary_name" not in update_fields:
        return
    feed_from_organization(instance)
