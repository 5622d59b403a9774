"""The development pipeline (发展党员): one case per applicant, from application to 转正.

The case carries the person until the 支部大会 admits them; from 预备党员 on, the person is
a Member and the case points at that one record (转正 updates it, never copies it). Besides
the five stages it records the steps the regulations put between them: the talk after the
application, the 公示 before admission and before 转正, the 上级党委's 预审, talk and 审批,
and the 支部大会 that discussed 转正 apart from the 转正日期 (the end of the probation).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.encryption import DerivedSliceField, EncryptedKeyField
from orgs.models import Organization, mobile_validator
from orgs.scope import ScopedQuerySet

from ..choices import ETHNIC_GROUPS, Education, Gender, Job
from ..identity import mask_id_number
from .member import (
    ID_HEAD_LENGTH,
    ID_TAIL_LENGTH,
    Member,
    id_number_validator,
    name_validator,
)

# As for members: the same answer wherever the existing case is, never where.
ALREADY_A_CASE = _(
    "此人已有入党申请或发展记录，不能重复登记。如已转来本组织，请由原培养党组织办理转接。"
)


class Stage(models.TextChoices):
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)


class RuleKey(models.TextChoices):
    """The configurable rules of the pipeline (defaults from DOMAIN.md, see defaults.py)."""

    MIN_APPLICATION_AGE = "min_application_age", _("申请入党最低年龄（周岁）")
    ACTIVIST_MIN_MONTHS = "activist_min_months", _("积极分子培养教育最短期限（月）")
    CANDIDATE_MIN_TRAINING_HOURS = "candidate_min_training_hours", _("发展对象集中培训最少学时")
    INTRODUCERS_REQUIRED = "introducers_required", _("入党介绍人人数")
    PROBATION_MONTHS = "probation_months", _("预备期（月）")
    PROBATION_EXTENSION_MIN_MONTHS = "probation_extension_min_months", _("预备期最少延长（月）")
    PROBATION_EXTENSION_MAX_MONTHS = "probation_extension_max_months", _("预备期最多延长（月）")
    PUBLICITY_MIN_WORKING_DAYS = "publicity_min_working_days", _("公示期（工作日）")
    APPLICANT_STALL_MONTHS = (
        "applicant_stall_months",
        _("申请人超过此期限未列为积极分子即提示（月）"),
    )
    ACTIVIST_STALL_MONTHS = (
        "activist_stall_months",
        _("积极分子超过此期限未列为发展对象即提示（月）"),
    )
    CANDIDATE_STALL_MONTHS = (
        "candidate_stall_months",
        _("发展对象超过此期限未接收为预备党员即提示（月）"),
    )


class DevelopmentRule(models.Model):
    """One configurable figure of the pipeline; staff may change the value, not the key."""

    key = models.CharField(_("规则"), max_length=40, choices=RuleKey.choices, unique=True)
    value = models.PositiveIntegerField(_("数值"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("发展党员规则")
        verbose_name_plural = _("发展党员规则")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.get_key_display()}：{self.value}"


class DevelopmentCaseQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"

    def open(self) -> DevelopmentCaseQuerySet:
        """Cases still moving: not yet 正式党员 and not closed."""
        return self.exclude(stage=Stage.FULL).filter(closed_on__isnull=True)


class DevelopmentCase(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("培养党组织"),
        on_delete=models.PROTECT,
        related_name="development_cases",
    )
    name = models.CharField(_("姓名"), max_length=30, validators=[name_validator])
    id_number = EncryptedKeyField(
        _("公民身份号码"),
        max_length=18,
        unique=True,
        upper=True,
        compact=True,
        validators=[id_number_validator],
        error_messages={"unique": ALREADY_A_CASE},
    )
    id_head = DerivedSliceField(
        _("号码前 4 位"), max_length=ID_HEAD_LENGTH, source="id_number", stop=ID_HEAD_LENGTH
    )
    id_tail = DerivedSliceField(
        _("号码末 4 位"), max_length=ID_TAIL_LENGTH, source="id_number", start=-ID_TAIL_LENGTH
    )
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ETHNIC_GROUPS)
    education = models.CharField(_("学历"), max_length=24, choices=Education.choices)
    job = models.CharField(_("工作岗位"), max_length=16, choices=Job.choices)
    phone = EncryptedKeyField(
        _("联系电话"), max_length=11, blank=True, compact=True, validators=[mobile_validator]
    )
    stage = models.CharField(
        _("当前阶段"), max_length=16, choices=Stage.choices, default=Stage.APPLICANT
    )
    applied_on = models.DateField(_("递交入党申请日期"))
    talked_on = models.DateField(_("党组织派人谈话日期"), null=True, blank=True)
    activist_on = models.DateField(_("确定为积极分子日期"), null=True, blank=True)
    candidate_on = models.DateField(_("确定为发展对象日期"), null=True, blank=True)
    political_review_on = models.DateField(_("政治审查完成日期"), null=True, blank=True)
    political_review_result = models.CharField(_("政审结论"), max_length=200, blank=True)
    introducers = models.CharField(
        _("入党介绍人"),
        max_length=100,
        blank=True,
        help_text=_("本组织（含下级组织）党员名册中的正式党员姓名，用“、”分隔。"),
    )
    admission_publicity_from = models.DateField(
        _("接收预备党员公示开始日期"), null=True, blank=True
    )
    admission_publicity_to = models.DateField(_("接收预备党员公示结束日期"), null=True, blank=True)
    pre_review_on = models.DateField(_("上级党委预审日期"), null=True, blank=True)
    admitted_on = models.DateField(_("支部大会接收为预备党员日期"), null=True, blank=True)
    committee_talk_on = models.DateField(_("上级党委派人谈话日期"), null=True, blank=True)
    approved_on = models.DateField(_("上级党委审批日期"), null=True, blank=True)
    probation_extended_months = models.PositiveSmallIntegerField(_("预备期延长（月）"), default=0)
    confirmation_publicity_from = models.DateField(_("转正公示开始日期"), null=True, blank=True)
    confirmation_publicity_to = models.DateField(_("转正公示结束日期"), null=True, blank=True)
    confirmation_meeting_on = models.DateField(_("支部大会讨论转正日期"), null=True, blank=True)
    # 党章 第七条: 党龄 counts from the end of the probation, not from the meeting's day.
    confirmed_on = models.DateField(_("转正日期（预备期满之日）"), null=True, blank=True)
    member = models.OneToOneField(
        Member,
        verbose_name=_("党员档案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="development_case",
    )
    closed_on = models.DateField(_("终止培养日期"), null=True, blank=True)
    closed_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DevelopmentCaseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("发展党员")
        verbose_name_plural = _("发展党员")
        ordering = ["organization__path", "applied_on", "pk"]
        indexes = [
            models.Index(fields=["organization", "stage"], name="devcase_org_stage"),
            models.Index(fields=["id_tail", "id_head"], name="devcase_id_tail_head"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=[Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE])
                | Q(member__isnull=False),
                name="devcase_member_from_probation",
            ),
            models.CheckConstraint(
                condition=Q(probation_extended_months__lte=12),
                name="devcase_extension_at_most_a_year",
            ),
            models.CheckConstraint(
                condition=Q(admission_publicity_from__isnull=True)
                | Q(admission_publicity_to__isnull=True)
                | Q(admission_publicity_from__lte=F("admission_publicity_to")),
                name="devcase_admission_publicity_in_order",
            ),
            models.CheckConstraint(
                condition=Q(confirmation_publicity_from__isnull=True)
                | Q(confirmation_publicity_to__isnull=True)
                | Q(confirmation_publicity_from__lte=F("confirmation_publicity_to")),
                name="devcase_confirmation_publicity_in_order",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True)
                | Q(confirmation_meeting_on__isnull=True)
                | Q(confirmed_on__lte=F("confirmation_meeting_on")),
                name="devcase_confirmed_by_the_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_stage_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("members:case_detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def introducer_list(self) -> list[str]:
        """The introducers' names, each once (a name written twice is one introducer)."""
        text = self.introducers.replace(",", "、").replace("，", "、").replace(" ", "、")
        return list(dict.fromkeys(name for name in (p.strip() for p in text.split("、")) if name))
