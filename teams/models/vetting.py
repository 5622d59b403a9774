"""资格联审 and 县级备案 of 村（社区）书记 candidates, and the 换届人选 / 后备干部 pool."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.choices import Education
from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from ..choices import REQUIRED_VETTING_BODIES, Position, ReserveStatus, VettingBody
from .person import PersonRecord


class CandidateQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class Candidate(PersonRecord):
    """A person proposed for a post (by default 书记) of a village or community organisation
    at its 换届, whose qualifications the bodies review jointly."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="candidates",
    )
    position = models.CharField(
        _("拟任职务"), max_length=16, choices=Position.choices, default=Position.SECRETARY
    )
    proposed_on = models.DateField(_("提名日期"))
    filed_on = models.DateField(
        _("县级备案日期"), null=True, blank=True, help_text=_("县委组织部备案的日期。")
    )
    notes = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CandidateQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("换届人选资格联审")
        verbose_name_plural = _("换届人选资格联审")
        ordering = ["organization", "-proposed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "id_number", "position"], name="candidate_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.get_position_display()}人选 {self.name}"

    def vetting_state(self, checks: list[VettingCheck] | None = None) -> str:
        """ "passed" when every required body passed and none failed, "failed" when any
        failed, else "pending". `checks` may be given to spare a query."""
        checks = list(self.checks.all()) if checks is None else checks
        if any(not c.passed for c in checks):
            return "failed"
        passed = {c.body for c in checks if c.passed}
        return "passed" if all(body in passed for body in REQUIRED_VETTING_BODIES) else "pending"


class VettingCheck(models.Model):
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("人选"), on_delete=models.CASCADE, related_name="checks"
    )
    body = models.CharField(_("联审单位"), max_length=12, choices=VettingBody.choices)
    passed = models.BooleanField(_("是否通过"))
    reason = models.CharField(
        _("意见或未通过原因"), max_length=200, blank=True, help_text=_("未通过时必须填写。")
    )
    checked_on = models.DateField(_("联审日期"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联审意见")
        verbose_name_plural = _("联审意见")
        ordering = ["candidate", "body"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "body"], name="vetting_check_per_body"),
        ]

    def __str__(self) -> str:
        verdict = _("通过") if self.passed else _("未通过")
        return f"{self.get_body_display()}：{verdict}"


class ReserveQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class ReserveCadre(PersonRecord):
    """后备干部 / 换届人选储备 of an organisation."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="reserve_cadres",
    )
    education = models.CharField(_("学历"), max_length=24, choices=Education.choices, blank=True)
    source = models.CharField(
        _("来源"), max_length=40, blank=True, help_text=_("如致富带头人、退役军人、返乡大学生。")
    )
    training_notes = models.TextField(_("培养情况"), blank=True)
    added_on = models.DateField(_("纳入储备日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ReserveStatus.choices, default=ReserveStatus.ACTIVE
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ReserveQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("后备干部")
        verbose_name_plural = _("后备干部")
        ordering = ["organization", "status", "added_on"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "id_number"], name="reserve_key")
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} 后备干部 {self.name}"
