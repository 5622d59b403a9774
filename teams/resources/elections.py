"""Import/export of 换届选举 (the `elections` table).

A row's key is (组织代码, 选举日期). The data dictionary's rules are Election.clean()'s,
whose messages are reported under the columns of the fields they name; rows are saved
through teams.services.elections.save_election, so the organisation's term follows the
latest approved election. The committee an election elected is the committee table's.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext as _

from core.importing import Column, KeyedInstanceLoader, dictionary_field
from core.widgets import ChoiceWidget, DateWidget, IntegerWidget, TextWidget
from orgs.importing import ScopedResource
from orgs.resources import labels

from ..choices import ElectionMethod
from ..models import Election
from ..services.elections import save_election
from .person import ORG_COLUMN, ORG_COLUMN_ALIASES

METHOD_COLUMN = "选举方式"


class CountWidget(IntegerWidget):
    """A head count: a whole number, not negative."""

    def clean(self, value: Any, row=None, **kwargs) -> int | None:
        number = super().clean(value, row, **kwargs)
        if number is not None and number < 0:
            raise ValueError(_("不能为负数。"))
        return number


class ElectionResource(ScopedResource):
    table = "elections"
    organization_field = "organization"
    # Election.clean() checks what the CheckConstraints check, and the loader knows every
    # existing key: no query per row for either.
    validate_constraints_per_row = False
    validate_unique_per_row = False
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        ORG_COLUMN: (*ORG_COLUMN_ALIASES, "所在支部"),
        "届次": ("换届届次", "本届届次", "届别"),
        "选举日期": ("选举时间", "换届日期", "换届时间", "换届选举日期"),
        "应到人数": ("应到会人数", "应到党员人数", "应到"),
        "实到人数": ("实到会人数", "实到党员人数", "实到"),
        METHOD_COLUMN: ("选举办法", "选举形式"),
        "候选人数": ("候选人人数", "正式候选人数", "候选人数量"),
        "应选人数": ("应选名额", "应选委员人数", "委员名额"),
        "批复日期": ("上级批复日期", "批复时间", "上级党组织批复日期"),
    }
    value_aliases: ClassVar[dict[str, dict[str, str]]] = {
        METHOD_COLUMN: {"差额选举": "差额", "等额选举": "等额"},
    }
    columns = (
        Column(
            ORG_COLUMN,
            "是",
            "选举的组织，须在您的管辖范围内；党工委、临时党支部不实行选举；与选举日期一起为主键",
        ),
        Column("届次", "否", "如第十届；不超过 20 个字符"),
        Column("选举日期", "是", "YYYY-MM-DD；不能晚于今天"),
        Column("应到人数", "是", "整数"),
        Column("实到人数", "是", "整数；不多于应到人数，且须超过应到人数的一半"),
        Column(METHOD_COLUMN, "是", "从可选值中选择", labels(ElectionMethod.choices)),
        Column("候选人数", "否", "差额选举多于应选人数，等额选举等于应选人数"),
        Column("应选人数", "否", "整数"),
        Column(
            "批复日期",
            "否",
            "上级党组织批复的日期，不早于选举日期，不晚于今天；批复后本届任期从选举日期起算",
        ),
    )

    organization = dictionary_field(ORG_COLUMN, "organization", None)
    session = dictionary_field("届次", "session", TextWidget(max_length=20))
    held_on = dictionary_field("选举日期", "held_on", DateWidget(required=True, not_future=True))
    expected = dictionary_field("应到人数", "expected", CountWidget(required=True))
    present = dictionary_field("实到人数", "present", CountWidget(required=True))
    method = dictionary_field(
        METHOD_COLUMN,
        "method",
        ChoiceWidget(ElectionMethod.choices, required=True, aliases=value_aliases[METHOD_COLUMN]),
    )
    candidates = dictionary_field("候选人数", "candidates", CountWidget())
    seats = dictionary_field("应选人数", "seats", CountWidget())
    approved_on = dictionary_field("批复日期", "approved_on", DateWidget(not_future=True))

    class Meta:
        model = Election
        import_id_fields = ("organization", "held_on")
        instance_loader_class = KeyedInstanceLoader
        fields = (
            "organization",
            "session",
            "held_on",
            "expected",
            "present",
            "method",
            "candidates",
            "seats",
            "approved_on",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_diff = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization").order_by(
            "organization__path", "-held_on", "pk"
        )

    def do_instance_save(self, instance: Election, is_create: bool) -> None:
        save_election(instance)
