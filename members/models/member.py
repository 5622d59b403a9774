"""The roster: one record per person, kept for life (status changes, never copies)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.encryption import DerivedSliceField, EncryptedKeyField
from core.periods import add_years
from orgs.models import Organization, mobile_validator
from orgs.scope import ScopedQuerySet

from ..choices import ETHNIC_GROUPS, Category, Education, Gender, Job, MemberStatus
from ..identity import (
    InvalidIdNumber,
    age_on,
    birth_date_from_id,
    gender_from_id,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    validate_id_number,
)

# Chinese names, Latin letters and the middle dot of minority names (买买提·艾力).
# The last four characters of an ID number, indexed: staff who see masked numbers find a
# member by what the mask shows.
ID_TAIL_LENGTH = 4
ID_HEAD_LENGTH = 4
NAME_RE = re.compile(r"^[\u3400-\u9fff\uf900-\ufaffA-Za-z·• ]{2,30}$")
FULL_VIEW_PERMISSION = "members.view_full_personal_data"
# The one answer to "this person is already on the roster", whether the record is in the
# user's scope or elsewhere: it tells the user to transfer, never where the person is.
ALREADY_A_MEMBER = _(
    "此人已登记为党员，不能重复录入。如是从其他党组织转来，请由原党组织办理组织关系转接。"
)


def id_number_validator(value: str) -> None:
    try:
        validate_id_number(value)
    except InvalidIdNumber as exc:
        raise ValidationError(str(exc), code="invalid") from None


def name_validator(value: str) -> None:
    if not NAME_RE.match(value or ""):
        raise ValidationError(
            _("应为 2–30 个汉字或字母，少数民族姓名可用“·”分隔，不能有数字或其他符号。"),
            code="invalid",
        )


class HardshipKind(models.TextChoices):
    """Why a member is in hardship: the first three pay the minimum dues (the 0.2 元
    class of DuesBasis.MINIMUM), any other hardship pays by the job's table."""

    UNEMPLOYED = "unemployed", _("下岗失业")
    ON_RELIEF = "on_relief", _("依靠抚恤或救济生活")
    SUBSISTENCE = "subsistence", _("低保")
    OTHER = "other", _("其他生活困难")


class MemberQuerySet(ScopedQuerySet):
    scope_prefix = "organization__"

    def active(self) -> MemberQuerySet:
        return self.filter(status=MemberStatus.ACTIVE)


class Member(models.Model):
    name = models.CharField(_("姓名"), max_length=30, validators=[name_validator])
    # Stored encrypted (core/encryption.py); the head and tail a mask shows are kept in the
    # clear for searching, since the ciphertext answers only "this exact number".
    id_number = EncryptedKeyField(
        _("公民身份号码"),
        max_length=18,
        unique=True,
        upper=True,
        compact=True,
        validators=[id_number_validator],
        error_messages={"unique": ALREADY_A_MEMBER},
    )
    id_head = DerivedSliceField(
        _("号码前 4 位"), max_length=ID_HEAD_LENGTH, source="id_number", stop=ID_HEAD_LENGTH
    )
    id_tail = DerivedSliceField(
        _("号码末 4 位"), max_length=ID_TAIL_LENGTH, source="id_number", start=-ID_TAIL_LENGTH
    )
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ETHNIC_GROUPS)
    # blank: clean() derives it from the ID number when left empty
    birth_date = models.DateField(_("出生日期"), blank=True)
    education = models.CharField(_("学历"), max_length=24, choices=Education.choices)
    category = models.CharField(_("人员类别"), max_length=16, choices=Category.choices)
    joined_on = models.DateField(_("入党日期"))
    confirmed_on = models.DateField(_("转正日期"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所在党组织"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    job = models.CharField(_("工作岗位"), max_length=16, choices=Job.choices)
    phone = EncryptedKeyField(
        _("联系电话"), max_length=11, blank=True, compact=True, validators=[mobile_validator]
    )
    is_mobile = models.BooleanField(_("是否流动党员"), default=False)
    mobile_destination = models.CharField(_("流动去向"), max_length=100, blank=True)
    last_contact_on = models.DateField(
        _("最近联系日期"),
        null=True,
        blank=True,
        help_text=_("流动党员最近一次与党组织联系的日期；失联满 6 个月将提示。"),
    )
    is_in_hardship = models.BooleanField(_("是否生活困难党员"), default=False)
    # Blank when not in hardship, or in hardship for a reason not recorded (records from
    # before the field existed): such members pay by their job's table.
    hardship_kind = models.CharField(
        _("生活困难类型"),
        max_length=16,
        choices=HardshipKind.choices,
        blank=True,
        help_text=_(
            "下岗失业、依靠抚恤或救济生活、低保的党员按最低定额缴纳党费；其他生活困难的党员"
            "按工作岗位对应的标准缴纳，少交或免交须经支部批准并登记。"
        ),
    )
    status = models.CharField(
        _("党籍状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    status_note = models.CharField(
        _("状态说明"), max_length=200, blank=True, help_text=_("如转出去向、停止党籍的决定。")
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["organization__path", "name", "pk"]
        permissions = [("view_full_personal_data", _("可查看完整的身份证号码和联系电话"))]
        indexes = [
            # The roster list: one organisation's (or subtree's) current members by name.
            models.Index(fields=["organization", "status", "name"], name="member_org_status_name"),
            # Counting a county's current members (the list's total, every report) as an
            # index-only scan instead of reading the whole table: 210 → 85 ms at 500,000.
            models.Index(fields=["status", "organization"], name="member_status_org"),
            # What a mask shows: the last four, with the first four (core/encryption.py).
            models.Index(fields=["id_tail", "id_head"], name="member_id_tail_head"),
            # Age bands and "none under 40" are birth-date ranges.
            models.Index(fields=["birth_date"], name="member_birth_date"),
            models.Index(fields=["name"], name="member_name"),
            models.Index(fields=["joined_on"], name="member_joined_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(category=Category.FULL, confirmed_on__isnull=False)
                    | Q(category=Category.PROBATIONARY, confirmed_on__isnull=True)
                ),
                name="member_confirmed_on_matches_category",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True) | Q(confirmed_on__gt=models.F("joined_on")),
                name="member_confirmed_after_joined",
            ),
            models.CheckConstraint(
                condition=Q(is_mobile=False) | ~Q(mobile_destination=""),
                name="member_mobile_has_destination",
            ),
            models.CheckConstraint(
                condition=Q(status=MemberStatus.ACTIVE) | Q(status_changed_on__isnull=False),
                name="member_status_change_dated",
            ),
            models.CheckConstraint(
                condition=Q(hardship_kind="") | Q(is_in_hardship=True),
                name="member_hardship_kind_flagged",
            ),
            models.CheckConstraint(
                condition=Q(hardship_kind__in=["", *HardshipKind.values]),
                name="member_hardship_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values), name="member_gender_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="member_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MemberStatus.values), name="member_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    # --- personal data ------------------------------------------------------------------
    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    # --- derived figures ----------------------------------------------------------------
    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, timezone.localdate()) if self.birth_date else None

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    # --- validation (shared by forms, admin and import) ---------------------------------
    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        today = timezone.localdate()
        number = normalise_id_number(self.id_number or "")
        self.id_number = number
        valid_number = False
        try:
            validate_id_number(number)
            valid_number = True
        except InvalidIdNumber:
            pass  # reported by the field's validator
        if valid_number:
            from_id = birth_date_from_id(number)
            if self.birth_date is None:
                self.birth_date = from_id
            elif self.birth_date != from_id:
                errors.setdefault("birth_date", []).append(
                    _("与身份证号码中的出生日期 %(date)s 不一致。") % {"date": from_id.isoformat()}
                )
            expected = gender_from_id(number)
            if self.gender and self.gender != expected:
                errors.setdefault("gender", []).append(
                    _("与身份证号码第 17 位不一致（号码显示为%(gender)s）。")
                    % {"gender": Gender(expected).label}
                )
        if self.birth_date and self.birth_date > today:
            errors.setdefault("birth_date", []).append(_("不能晚于今天。"))
        if self.joined_on:
            if self.joined_on > today:
                errors.setdefault("joined_on", []).append(_("不能晚于今天。"))
            if self.birth_date and age_on(self.birth_date, self.joined_on) < 18:
                errors.setdefault("joined_on", []).append(
                    _("入党时须年满 18 周岁（当日为 %(age)d 周岁）。")
                    % {"age": age_on(self.birth_date, self.joined_on)}
                )
        if self.category == Category.FULL:
            if not self.confirmed_on:
                errors.setdefault("confirmed_on", []).append(_("正式党员须填写转正日期。"))
            elif self.joined_on and self.confirmed_on < add_years(self.joined_on, 1):
                errors.setdefault("confirmed_on", []).append(
                    _("须在入党日期满一年（预备期）之后，即不早于 %(date)s。")
                    % {"date": add_years(self.joined_on, 1).isoformat()}
                )
            elif self.confirmed_on > today:
                errors.setdefault("confirmed_on", []).append(_("不能晚于今天。"))
        elif self.category == Category.PROBATIONARY and self.confirmed_on:
            errors.setdefault("confirmed_on", []).append(_("预备党员不应填写转正日期。"))
        if self.is_mobile and not (self.mobile_destination or "").strip():
            errors.setdefault("mobile_destination", []).append(_("流动党员须填写流动去向。"))
        if not self.is_mobile and self.mobile_destination:
            errors.setdefault("mobile_destination", []).append(
                _("不是流动党员时请留空（或将“是否流动党员”填为“是”）。")
            )
        if self.hardship_kind and not self.is_in_hardship:
            # On the flag, which every form and the importer have.
            errors.setdefault("is_in_hardship", []).append(
                _(
                    "登记了生活困难类型“%(kind)s”，须为“是”；如不是生活困难党员，请同时清空生活困难类型。"
                )
                % {"kind": self.get_hardship_kind_display()}
            )
        if self.status != MemberStatus.ACTIVE and not self.status_changed_on:
            errors.setdefault("status_changed_on", []).append(_("党籍状态变更须填写日期。"))
        if errors:
            raise ValidationError(errors)
