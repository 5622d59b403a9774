"""换届选举: one row per election an organisation held."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from ..choices import ElectionMethod


class ElectionQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"

    def approved(self) -> ElectionQuerySet:
        return self.filter(approved_on__isnull=False)


class Election(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="elections",
    )
    session = models.CharField(_("届次"), max_length=20, blank=True, help_text=_("如“第十届”。"))
    held_on = models.DateField(_("选举日期"))
    expected = models.PositiveIntegerField(_("应到人数"))
    present = models.PositiveIntegerField(_("实到人数"))
    method = models.CharField(_("选举方式"), max_length=12, choices=ElectionMethod.choices)
    candidates = models.PositiveIntegerField(_("候选人数"), null=True, blank=True)
    seats = models.PositiveIntegerField(_("应选人数"), null=True, blank=True)
    approved_on = models.DateField(_("上级批复日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ElectionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("换届选举")
        verbose_name_plural = _("换届选举")
        ordering = ["organization", "-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "held_on"], name="election_key"),
            models.CheckConstraint(
                condition=Q(present__lte=models.F("expected")), name="election_present_le_expected"
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(approved_on__gte=models.F("held_on")),
                name="election_approved_after_held",
            ),
        ]

    def __str__(self) -> str:
        label = self.session or _("换届选举")
        return f"{self.organization.name} {label}（{self.held_on.isoformat()}）"

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None

    def clean(self) -> None:
        """The data dictionary's rules (docs/data-dictionary.md, elections)."""
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.held_on and self.held_on > timezone.localdate():
            add("held_on", _("选举日期不能晚于今天。"))
        if self.expected is not None and self.present is not None:
            if self.present > self.expected:
                add("present", _("实到人数不能多于应到人数。"))
            elif self.expected and self.present * 2 <= self.expected:
                add("present", _("实到人数须超过应到人数的一半，选举才有效。"))
        if self.candidates is not None and self.seats is not None:
            if self.method == ElectionMethod.COMPETITIVE and self.candidates <= self.seats:
                add("candidates", _("差额选举的候选人数应多于应选人数。"))
            if self.method == ElectionMethod.EQUAL and self.candidates != self.seats:
                add("candidates", _("等额选举的候选人数应等于应选人数。"))
        if self.approved_on and self.held_on and self.approved_on < self.held_on:
            add("approved_on", _("批复日期不能早于选举日期。"))
        if self.organization_id and not self.organization.is_elected:
            add(
                "organization",
                _("%(kind)s不实行选举，不能登记换届选举。")
                % {"kind": self.organization.get_kind_display()},
            )
        if errors:
            raise ValidationError(errors)
