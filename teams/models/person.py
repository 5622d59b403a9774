"""The person a team record is about: the roster's member where they are one.

A team record keeps the ID number (encrypted, as every ID number) because it is the key of
its table and many cadres — a 第一书记 from a county bureau, a 大学生村干部 — are not on
this county's roster. Where the ID number is a member's, the record points at that Member
(the one record of the person, never a second one) and its name follows the roster.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.encryption import EncryptedKeyField
from members.identity import mask_id_number
from members.models import Member
from members.models.member import id_number_validator, name_validator


class PersonRecord(models.Model):
    name = models.CharField(_("姓名"), max_length=30, validators=[name_validator])
    id_number = EncryptedKeyField(
        _("公民身份号码"),
        max_length=18,
        blank=True,
        upper=True,
        compact=True,
        validators=[id_number_validator],
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("党员档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("公民身份号码与党员名册一致时自动关联。"),
    )

    class Meta:
        abstract = True

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    def link_member(self) -> None:
        """Point at the roster's member with this ID number, taking its name (one query;
        called by the services before every save)."""
        if not self.id_number:
            self.member = None
            return
        member = Member.objects.filter(id_number=self.id_number).only("id", "name").first()
        self.member = member
        if member is not None:
            self.name = member.name
