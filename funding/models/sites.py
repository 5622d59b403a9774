"""Venue construction projects (阵地建设), their stage history and their files."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.keys import KeyField
from core.numbers import rate
from core.stored_files import StoredFile
from orgs.models import Organization
from orgs.scope import ScopedQuerySet

from ..choices import (
    STAGE_ORDER,
    STANDARD_VILLAGE_ROOMS,
    ConstructionNature,
    ProjectStage,
    ProjectType,
    Room,
)

WAN = {"max_digits": 12, "decimal_places": 2}


class VenueProjectQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"


class VenueProject(models.Model):
    code = KeyField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=100)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("组织"),
        on_delete=models.PROTECT,
        related_name="venue_projects",
    )
    project_type = models.CharField(_("项目类型"), max_length=20, choices=ProjectType.choices)
    nature = models.CharField(_("建设性质"), max_length=10, choices=ConstructionNature.choices)
    planned_investment = models.DecimalField(
        _("计划投资（万元）"), **WAN, validators=[MinValueValidator(Decimal("0.01"))]
    )
    completed_investment = models.DecimalField(
        _("已完成投资（万元）"),
        **WAN,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    area = models.DecimalField(
        _("建筑面积（㎡）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    stage = models.CharField(_("状态"), max_length=12, choices=ProjectStage.choices)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    # Room codes (Room); a list rather than a table: it is one checklist per project.
    rooms = models.JSONField(_("功能配置"), default=list, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = VenueProjectQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("阵地建设项目")
        verbose_name_plural = _("阵地建设项目")
        ordering = ["organization__path", "code"]
        indexes = [models.Index(fields=["organization", "stage"], name="venue_org_stage")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_investment__gt=0), name="venue_planned_positive"
            ),
            models.CheckConstraint(
                condition=Q(completed_investment__gte=0), name="venue_completed_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(area__gt=0), name="venue_area_positive"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=[ProjectStage.SURVEY, ProjectStage.DESIGN])
                | Q(started_on__isnull=False),
                name="venue_started_when_under_way",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[ProjectStage.COMPLETED, ProjectStage.ACCEPTED])
                | Q(completed_on__isnull=False),
                name="venue_completed_when_finished",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(completed_on__gte=models.F("started_on")),
                name="venue_completed_after_start",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=ProjectStage.values), name="venue_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("funding:site", args=[self.code])

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)

    @property
    def investment_rate(self) -> Decimal | None:
        return rate(self.completed_investment, self.planned_investment)

    @property
    def over_plan(self) -> bool:
        """More invested than planned: flagged, not refused (DATA_DICTIONARY.md)."""
        return self.completed_investment > self.planned_investment

    @property
    def room_labels(self) -> list[str]:
        return [str(Room(code).label) for code in self.rooms if code in Room.values]

    @property
    def missing_rooms(self) -> list[str]:
        """Rooms of the standard village layout ("八室一超市一广场") that the project lacks;
        only village venues are held to it."""
        if self.project_type != ProjectType.VILLAGE_VENUE:
            return []
        return [str(Room(code).label) for code in STANDARD_VILLAGE_ROOMS if code not in self.rooms]


class StageChange(models.Model):
    """A move of a project from one stage to another; going back needs a reason."""

    project = models.ForeignKey(
        VenueProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(
        _("原状态"), max_length=12, choices=ProjectStage.choices, blank=True
    )
    to_stage = models.CharField(_("新状态"), max_length=12, choices=ProjectStage.choices)
    changed_on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["pk"]  # the order the changes were recorded in

    def __str__(self) -> str:
        before = self.get_from_stage_display() if self.from_stage else "—"
        return f"{self.project.code}：{before} → {self.get_to_stage_display()}"

    @property
    def is_backwards(self) -> bool:
        return bool(self.from_stage) and STAGE_ORDER.index(self.to_stage) < STAGE_ORDER.index(
            self.from_stage
        )


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("照片")
    PDF = "pdf", _("PDF 文件")


def attachment_path(instance: VenueAttachment, filename: str) -> str:
    # Never the uploaded name (it is kept in original_name): no path tricks, no clashes.
    import uuid

    extension = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(
        instance.content_type, "bin"
    )
    return f"venues/{instance.project_id}/{uuid.uuid4().hex}.{extension}"


class VenueAttachmentQuerySet(ScopedQuerySet):
    scope_prefix = "project__organization__"


class VenueAttachment(StoredFile):
    """A photo or document of a project (the shared file fields come from StoredFile)."""

    project = models.ForeignKey(
        VenueProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    kind = models.CharField(_("种类"), max_length=10, choices=AttachmentKind.choices)
    caption = models.CharField(_("说明"), max_length=100, blank=True)

    objects = VenueAttachmentQuerySet.as_manager()

    class Meta(StoredFile.Meta):
        verbose_name = _("项目附件")
        verbose_name_plural = _("项目附件")
