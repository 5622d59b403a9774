"""Re-encrypt every stored ID number and phone under the first key of
PERSONAL_DATA_KEYS (after a new key was put first), or encrypt values left in the clear."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.encryption import EncryptedKeyField, current_key_id, reencrypt


class Command(BaseCommand):
    help = "用 PERSONAL_DATA_KEYS 的第一个密钥重新加密所有身份证号码和电话（轮换密钥后运行）"

    def handle(self, *args, **options) -> None:
        models = [
            model
            for model in apps.get_models()
            if any(isinstance(f, EncryptedKeyField) for f in model._meta.concrete_fields)
        ]
        # One transaction: lookups use the first key only, so a half-rotated table would
        # not find the rows still under the old key.
        with transaction.atomic():
            for model in models:
                count = reencrypt(model)
                self.stdout.write(f"{model._meta.label}: {count}")
        self.stdout.write(
            self.style.SUCCESS(f"已用密钥 {current_key_id()} 重新加密 / re-encrypted under key")
        )
