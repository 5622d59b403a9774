"""The organisation tree."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.encryption import EncryptedKeyField
from core.keys import KeyField

from .choices import LEVEL_RANK, OrgDomain, OrgKind, OrgLevel
from .scope import PATH_STEP, ScopedQuerySet, in_subtree
from .scope import parent_path as path_above
from .terms import default_term_years, status_label, status_of, term_end
from .terms import is_elected as kind_is_elected

code_validator = RegexValidator(
    r"^[A-Za-z0-9-]{1,32}$", _("组织代码只能由 1–32 位字母、数字或“-”组成。")
)
# ASCII digits only (`\d` takes other scripts' digits); full-width ones are made ASCII by
# KeyField before this runs.
mobile_validator = RegexValidator(r"^1[3-9][0-9]{9}$", _("请填写 11 位大陆手机号码。"))

# Sub-paths of /orgs/ and /teams/ that are pages, not organisation codes.
RESERVED_CODES = frozenset({"life", "renewal"})

# Tree bookkeeping that only treebeard's own queryset updates may write (see save()).
TREE_FIELDS = ("path", "depth", "numchild")


class OrganizationQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    scope_prefix = ""


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    """treebeard's manager with the scoping methods of the queryset (`visible_to`,
    `editable_by`, `within`, `children_of` …), in tree order."""

    def get_queryset(self) -> OrganizationQuerySet:
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    steplen = PATH_STEP  # up to 36**4 children per node; depth is small (city → … → branch)
    node_order_by = ["code"]

    code = KeyField(_("组织代码"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("组织名称"), max_length=100)
    kind = models.CharField(_("组织类别"), max_length=20, choices=OrgKind.choices)
    level = models.CharField(_("行政层级"), max_length=10, choices=OrgLevel.choices)
    domain = models.CharField(_("所属领域"), max_length=20, choices=OrgDomain.choices)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    secretary_name = models.CharField(_("书记姓名"), max_length=30, blank=True)
    secretary_phone = EncryptedKeyField(
        _("书记联系电话"), max_length=11, blank=True, compact=True, validators=[mobile_validator]
    )
    term_started_on = models.DateField(_("本届任期开始日期"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(
        _("任期年限"),
        blank=True,
        help_text=_("3 或 5 年；留空则按组织类别和层级取默认值（村级 5 年）。"),
    )
    # What a township (street) governs, for the share of villages and communities that have
    # a party organisation; the portal has no register of administrative villages.
    villages_count = models.PositiveSmallIntegerField(
        _("辖建制村数"),
        null=True,
        blank=True,
        help_text=_("乡镇（街道）党组织填写所辖建制村总数，用于党内统计的覆盖情况；不详请留空。"),
    )
    communities_count = models.PositiveSmallIntegerField(
        _("辖社区数"),
        null=True,
        blank=True,
        help_text=_("乡镇（街道）党组织填写所辖社区（居委会）总数；不详请留空。"),
    )
    covered_units = models.TextField(
        _("联合党支部所含单位"),
        blank=True,
        help_text=_("联合党支部填写所覆盖的单位（村、企业、社会组织等），每行一个。"),
    )
    is_demonstration = models.BooleanField(_("是否示范点"), default=False)
    is_weak_and_lax = models.BooleanField(_("是否软弱涣散"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrganizationManager()
    history = HistoricalRecords(excluded_fields=["numchild", "updated_at"])

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_years__in=[3, 5]), name="org_term_years_3_or_5"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="org_code_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="org_name_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=OrgKind.values), name="org_kind_valid"),
            models.CheckConstraint(condition=Q(level__in=OrgLevel.values), name="org_level_valid"),
            models.CheckConstraint(
                condition=Q(domain__in=OrgDomain.values), name="org_domain_valid"
            ),
        ]
        indexes = [
            # Health rules and dashboards count organisations of a level inside a subtree.
            models.Index(fields=["level", "path"], name="org_level_path"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("orgs:detail", args=[self.code])

    # --- tree helpers -------------------------------------------------------------
    @property
    def parent_path(self) -> str:
        return path_above(self.path)

    def parent_node(self) -> Organization | None:
        return Organization.objects.get_parent(self) if self.depth > 1 else None

    # --- terms --------------------------------------------------------------------
    @property
    def is_elected(self) -> bool:
        """Whether this organisation serves terms (a 党工委 or 临时党支部 does not)."""
        return kind_is_elected(self.kind)

    @property
    def term_ends_on(self) -> datetime.date | None:
        return term_end(self.kind, self.term_started_on, self.term_years)

    @property
    def covered_unit_list(self) -> list[str]:
        """The units a 联合党支部 covers, one per line of `covered_units`."""
        return [line.strip() for line in self.covered_units.splitlines() if line.strip()]

    def term_status(self, today: datetime.date | None = None) -> str:
        """A TermStatus value, or orgs.terms.NOT_ELECTED for an appointed kind."""
        return status_of(
            self.kind, self.term_started_on, self.term_years, today or timezone.localdate()
        )

    @property
    def term_status_label(self) -> str:
        return status_label(self.term_status())

    # --- validation ---------------------------------------------------------------
    def clean(self) -> None:
        if not self.term_years:
            self.term_years = default_term_years(self.kind, self.level)
        errors: dict[str, str] = {}
        if self.code in RESERVED_CODES:
            errors["code"] = _("“%(code)s”是系统保留字，请换一个组织代码。") % {"code": self.code}
        if self.term_years not in (3, 5):
            errors["term_years"] = _("任期年限只能是 3 或 5 年。")
        today = timezone.localdate()
        if self.founded_on and self.founded_on > today:
            errors["founded_on"] = _("成立日期不能晚于今天。")
        if self.term_started_on and self.term_started_on > today:
            errors["term_started_on"] = _("本届任期开始日期不能晚于今天。")
        if errors:
            raise ValidationError(errors)

    def validate_parent(self, parent: Organization | None) -> None:
        """Check that `parent` may hold this node: level order and no cycle."""
        if parent is None:
            return
        if self.pk and self.path and in_subtree(parent.path, self):
            raise ValidationError(
                {"parent": _("不能把组织移到它自己或它的下级组织之下（会形成循环）。")}
            )
        if self.level and LEVEL_RANK[self.level] < LEVEL_RANK[parent.level]:
            raise ValidationError(
                {
                    "level": _("下级组织的行政层级（%(child)s）不能高于上级组织（%(parent)s）。")
                    % {
                        "child": OrgLevel(self.level).label,
                        "parent": OrgLevel(parent.level).label,
                    }
                }
            )

    def validate_children_levels(self) -> None:
        """After a change of level, no existing child may rank above this organisation."""
        if not self.pk or not self.level or self.is_leaf():
            return
        higher = [level for level, rank in LEVEL_RANK.items() if rank < LEVEL_RANK[self.level]]
        if Organization.objects.children_of(self).filter(level__in=higher).exists():
            raise ValidationError(
                {
                    "level": _("已有下级组织的行政层级高于“%(level)s”，不能这样修改。")
                    % {"level": OrgLevel(self.level).label}
                }
            )

    def save(self, *args, **kwargs) -> None:
        if not self.term_years:
            self.term_years = default_term_years(self.kind, self.level)
        if self.pk and not self._state.adding and "update_fields" not in kwargs:
            # The tree position is changed only by treebeard's move(), never by saving an
            # instance that may carry a stale path (e.g. one restored from history).
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in TREE_FIELDS
            ]
        super().save(*args, **kwargs)


# Organisation life and the import aliases live in their own modules; Django finds their
# models through this module.
from .import_alias_model import ImportAlias  # noqa: E402, F401
from .life.models import MeetingRequirement, OrgLifeAttachment, OrgLifeRecord  # noqa: E402, F401
