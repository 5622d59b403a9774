"""The one import/export mechanism: django-import-export resources that know the data
dictionary, and the reporting every caller (admin, `import_data`, tasks) shares.

A file imports completely or not at all; every bad row is reported as `第N行 [列名] 说明`
(N as Excel shows it, the header being row 1), all at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, OperationalError, models
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import Result, RowResult
from simple_history.utils import bulk_update_with_history

from .bulk_writes import create_with_history
from .cell_escaping import unescape_cell
from .counting import bump
from .keys import KeyField, is_masked, normalise_key
from .tables import cell_text, locate_header, normalise_header

HEADER_ROW = 1
#: rows a preview lists (new, changed or refused); the totals count every row
PREVIEW_ROWS = 200
#: columns that spreadsheets carry beside any table and that nothing here stores
IGNORED_EVERYWHERE = ("序号", "编号", "备注")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 [{self.column}] {self.message}"


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: what the reader did on its own: the header row found, columns and footer rows left out
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            text = _("导入失败：共 %(n)d 处错误，数据库未作任何修改。") % {"n": len(self.errors)}
        else:
            verb = _("试导入（未写入）") if self.dry_run else _("导入完成")
            text = _(
                "%(verb)s：共 %(total)d 行，新增 %(new)d，更新 %(updated)d，未变 %(same)d。"
            ) % {
                "verb": verb,
                "total": self.total,
                "new": self.new,
                "updated": self.updated,
                "same": self.unchanged,
            }
        return " ".join([text, *self.notices])


@dataclass(frozen=True)
class Change:
    column: str
    old: str
    new: str


@dataclass
class PreviewRow:
    """One row of a preview: what will be written (new), or old → new per changed column."""

    row: int
    kind: str  # "new" | "update"
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[PreviewRow]
    new: int
    updated: int
    unchanged: int
    invalid: int
    #: more rows were new, changed or refused than the preview lists
    truncated: bool = False


@dataclass(frozen=True)
class Column:
    """One column of a data-dictionary table, as the blank template describes it."""

    name: str
    required: str
    rule: str
    allowed: tuple[str, ...] = ()


KEY_CHUNK = 2000  # keys per IN (...) query, well under SQLite's variable limit


class KeyedInstanceLoader(ModelInstanceLoader):
    """Loads every row's existing instance with a few queries instead of one per row.

    For an importing user it also learns which keys exist *outside* the resource's scope
    (one more query per chunk), so that such a row is reported as out of scope instead of
    colliding on insert.
    Keys are tuples (see `PortalResource.key_of`), so composite keys such as
    (组织代码, 年度) work the same way as single ones.
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        model_meta = resource._meta.model._meta
        id_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.attnames = [model_meta.get_field(f.attribute).attname for f in id_fields]
        keys: set[tuple] = set()
        headers = (dataset.headers or []) if dataset is not None else []
        if dataset is not None and all(f.column_name in headers for f in id_fields):
            for row in dataset.dict:
                try:
                    key = resource.key_of(row)
                except (ValueError, ValidationError):
                    continue  # reported when the row is imported
                if all(part not in (None, "") for part in key):
                    keys.add(key)
        ordered = sorted(keys, key=str)
        self.instances: dict[tuple, Any] = {}
        self.existing_keys: set[tuple] = set()
        manager = resource._meta.model._default_manager
        for start in range(0, len(ordered), KEY_CHUNK):
            chunk = ordered[start : start + KEY_CHUNK]
            # One IN (...) per key part: a superset for composite keys, narrowed below.
            lookup = {
                f"{attname}__in": sorted({key[i] for key in chunk}, key=str)
                for i, attname in enumerate(self.attnames)
            }
            wanted = set(chunk)
            for instance in self.get_queryset().filter(**lookup):
                key = tuple(getattr(instance, attname) for attname in self.attnames)
                if key in wanted:
                    self.instances[key] = instance
            if resource.user is None:
                continue  # the deployer's import reaches every row: nothing lies outside
            for key in manager.filter(**lookup).values_list(*self.attnames):
                if key in wanted:
                    self.existing_keys.add(tuple(key))

    def get_instance(self, row):
        return self.instances.get(self.resource.key_of(row))


class PortalResource(resources.ModelResource):
    """Base of every import/export resource.

    `user` is who imports (None: the deployer, with commands run without --user); what it
    may reach is the subclass's to say (orgs.importing.ScopedResource limits it to the
    user's write scope).
    """

    #: the data-dictionary table's name ("orgs", "members" …); not `kind`, which is a
    #: column of the orgs table and would be shadowed by that field
    table: str = ""
    #: the data dictionary's column descriptions, in file order
    columns: tuple[Column, ...] = ()
    #: run the model's CheckConstraints as queries for each row (Django's full_clean does
    #: one query per constraint); resources whose clean() covers them turn this off
    validate_constraints_per_row: bool = True
    #: query the key's uniqueness per row; the loader already knows every existing key
    #: and duplicates inside the file are reported, so large tables turn this off
    validate_unique_per_row: bool = True
    #: the foreign key filled from a 组织代码 column: resolved from one dictionary of all
    #: organisations with the write scope checked per row, so full_clean need not query it
    organization_field: str = ""
    #: what a row is told whose key exists outside the user's scope; a resource keyed on
    #: personal data says it without repeating the key (members: "transfer instead")
    outside_scope_message: str = ""
    #: header texts offices write for a column: canonical column → alternatives
    header_aliases: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: columns that our masked exports leave incomplete (ID numbers, phones)
    masked_columns: tuple[str, ...] = ()
    #: columns other systems' files carry that this table does not hold: left out with a
    #: notice; any other unknown column is an error (a mistyped header must not vanish)
    ignored_headers: tuple[str, ...] = ()

    def __init__(self, user: Any = None, source: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.source = source
        self._seen_keys: dict[tuple, int] = {}
        #: key cells → the cleaned key, or the ValidationError they raise (key_of)
        self._keys: dict[tuple, tuple | ValidationError] = {}
        self.notices: list[str] = []
        self._excel_rows: list[int] | None = None
        self._header_row = HEADER_ROW
        self._preview: dict[int, PreviewRow] | None = None
        #: related objects a preview names (model → pk → object), loaded once each
        self._preview_related: dict[type, dict[Any, Any]] = {}
        self._preview_truncated = False

    # --- row numbers as Excel shows them --------------------------------------------
    def excel_row(self, number: int) -> int:
        """import-export numbers data rows from 1; the file's own row as Excel shows it."""
        rows = self._excel_rows
        if rows and 1 <= number <= len(rows):
            return rows[number - 1]
        return number + self._header_row

    # --- who may import ------------------------------------------------------------
    @classmethod
    def may_import(cls, user: Any) -> bool:
        """Whether `user` may import this table at all; the resources of the apps answer
        from the user's roles (orgs.importing.ScopedResource)."""
        return True

    def get_queryset(self):
        queryset = self._meta.model._default_manager.all()
        if self.organization_field:
            queryset = queryset.select_related(self.organization_field)
        return queryset

    def key_column(self) -> str:
        return self.fields[self.get_import_id_fields()[0]].column_name

    # --- headers -------------------------------------------------------------------
    def expected_headers(self) -> list[str]:
        return [c.name for c in self.columns]

    def header_alias_map(self) -> dict[str, str]:
        """Normalised header text → the column it names: the data dictionary's names and
        the aliases offices write (a resource may add its county's own)."""
        mapping = {normalise_header(name): name for name in self.expected_headers()}
        for column, aliases in self.header_aliases.items():
            for alias in aliases:
                mapping.setdefault(normalise_header(alias), column)
        return mapping

    def find_header(self, dataset: tablib.Dataset) -> list[str]:
        """Skip title, note and blank rows above the header and footer rows below the
        data, read aliases as the columns they name, and leave out the columns no table
        holds — all said in `notices`; row numbers stay those Excel shows. Returns the
        header's problems (unknown columns, data without a header)."""
        mapping = self.header_alias_map()
        found = locate_header(dataset, mapping.get)
        self._excel_rows = getattr(dataset, "excel_rows", None)
        self._header_row = getattr(dataset, "header_excel_row", HEADER_ROW)
        if not found.found:
            return []
        if found.header_excel_row != HEADER_ROW:
            self.notices.append(
                _("表头在第%(row)d行，以上各行未导入。") % {"row": found.header_excel_row}
            )
        ignorable = {normalise_header(h) for h in (*IGNORED_EVERYWHERE, *self.ignored_headers)}
        left_out = [h for h in found.ignored if normalise_header(h) in ignorable]
        unknown = [h for h in found.ignored if normalise_header(h) not in ignorable]
        if left_out:
            self.notices.append(
                _("以下列不属于本表，未导入：%(cols)s。") % {"cols": "、".join(left_out)}
            )
        if found.footer_rows:
            self.notices.append(
                _("第%(rows)s行是表尾（合计、填表人等），未导入。")
                % {"rows": "、".join(str(r) for r in found.footer_rows)}
            )
        problems = list(found.errors)
        if unknown:
            problems.append(
                _(
                    "未知的列：%(cols)s。请使用下载的空白模板中的列名；"
                    "如果这是本县表格的习惯写法，可请县委组织部在“导入别名”中添加。"
                )
                % {"cols": "、".join(unknown)}
            )
        # Columns named twice (by an alias) stay in the dataset: "表头重复" below.
        return problems

    def refuse_masked_file(self, dataset: tablib.Dataset) -> None:
        """A file whose key numbers are masked is one of our own masked exports: say so
        once, instead of once per row."""
        headers = list(dataset.headers or [])
        for column in self.masked_columns:
            if column not in headers:
                continue
            values = [v for v in dataset.get_col(headers.index(column)) if v not in (None, "")]
            masked = sum(1 for v in values if is_masked(str(v)))
            if values and masked * 2 >= len(values):
                del dataset[0 : len(dataset)]
                raise ValidationError(
                    _(
                        "这是脱敏导出文件：“%(column)s”一列的号码中间被“*”遮盖，不完整，"
                        "不能用于导入。请使用有完整号码的文件（导出时需“查看完整个人信息”权限）。"
                    )
                    % {"column": column}
                )

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        if self.user is not None and not self.may_import(self.user):
            del dataset[0 : len(dataset)]
            raise ValidationError(_("只有组织部工作人员可以导入数据。"))
        problems = self.find_header(dataset)
        headers = list(dataset.headers or [])
        expected = self.expected_headers()
        duplicates = sorted({h for h in headers if headers.count(h) > 1})
        if duplicates:
            problems.append(_("表头重复：%(cols)s。") % {"cols": "、".join(duplicates)})
        unknown = [h for h in headers if h not in expected]
        if unknown:
            problems.append(
                _("未知的列：%(cols)s（请使用下载的空白模板）。") % {"cols": "、".join(unknown)}
            )
        required = [c.name for c in self.columns if c.required == "是"]
        missing = [h for h in required if h not in headers]
        if missing:
            problems.append(_("缺少必填列：%(cols)s。") % {"cols": "、".join(missing)})
        if problems:
            # Rows under a wrong header would only add noise: report the header alone.
            del dataset[0 : len(dataset)]
            raise ValidationError(" ".join(problems))
        self.refuse_masked_file(dataset)
        unescape_dataset(dataset)
        self.normalise_key_columns(dataset)

    def normalise_key_columns(self, dataset: tablib.Dataset) -> None:
        """Key cells (ID numbers, phones, codes) in the form the database holds them
        (core/keys.py), before the instance loader reads the file's keys: a full-width
        `５１３４…` finds the stored member instead of making a second one."""
        model = self._meta.model
        specs: dict[int, tuple[bool, bool]] = {}
        headers = list(dataset.headers or [])
        for fld in self.get_import_fields():
            if fld.column_name not in headers or not fld.attribute:
                continue
            if self.organization_field and fld.attribute == self.organization_field:
                specs[headers.index(fld.column_name)] = (False, False)
                continue
            try:
                model_field = model._meta.get_field(fld.attribute)
            except FieldDoesNotExist:
                continue
            if isinstance(model_field, KeyField):
                spec = (model_field.upper, model_field.compact)
                specs[headers.index(fld.column_name)] = spec
        if not specs:
            return
        for index, row in enumerate(dataset):
            cells = list(row)
            changed = False
            for column, (upper, compact) in specs.items():
                value = cells[column]
                if isinstance(value, str) and value:
                    clean = normalise_key(value, upper=upper, compact=compact)
                    if clean != value:
                        cells[column], changed = clean, True
            if changed:
                dataset[index] = cells

    # --- rows ----------------------------------------------------------------------
    def import_row(self, row, instance_loader, **kwargs):
        # import-export passes the row number here but not to the loader hooks below.
        self._current_row = kwargs.get("row_number", 0)
        if kwargs.get("dry_run") and self._preview is None:
            self._preview = {}
        if all(value in (None, "") for value in row.values()):
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        return super().import_row(row, instance_loader, **kwargs)

    def key_of(self, row) -> tuple:
        """The row's key as a tuple of cleaned values (related objects by pk); raises
        ValidationError naming the key column that cannot be read.

        Remembered per key cells: the instance loader reads every row's key before the
        rows are imported, and each row asks again."""
        cells = tuple(row.get(self.fields[name].column_name) for name in self.import_id_names)
        known = self._keys.get(cells)
        if known is None:
            try:
                known = self._keys[cells] = self._clean_key(row)
            except ValidationError as exc:
                known = self._keys[cells] = exc
        if isinstance(known, ValidationError):
            raise ValidationError(known.message_dict) from None
        return known

    def _clean_key(self, row) -> tuple:
        parts = []
        for name in self.import_id_names:
            fld = self.fields[name]
            try:
                value = fld.clean(row)
            except ValueError as exc:
                raise ValidationError({fld.column_name: str(exc)}) from None
            parts.append(value.pk if isinstance(value, models.Model) else value)
        return tuple(parts)

    @property
    def import_id_names(self) -> tuple[str, ...]:
        return tuple(self.get_import_id_fields())

    def get_or_init_instance(self, instance_loader, row):
        try:
            return self._load_instance(instance_loader, row)
        except ValidationError as key_error:
            # The row's other cells are checked too, so that it is fixed in one go.
            errors = key_error.update_error_dict({})
            key_columns = {self.fields[n].column_name for n in self.get_import_id_fields()}
            try:
                self.import_instance(self._meta.model(), row)
            except ValidationError as exc:
                for column, messages in exc.message_dict.items():
                    if column not in key_columns:
                        errors.setdefault(column, []).extend(messages)
            except Exception:  # noqa: BLE001 - a rule that needs the key; the key error stands
                logger.debug("cells of a row without a key not checked", exc_info=True)
            raise ValidationError(errors) from None

    def _load_instance(self, instance_loader, row):
        key = self.key_of(row)
        row_number = self._current_row
        previous = self._seen_keys.setdefault(key, row_number)
        if previous != row_number:
            raise ValidationError(
                {self.key_column(): _("与第%(row)d行重复。") % {"row": self.excel_row(previous)}}
            )
        if isinstance(instance_loader, KeyedInstanceLoader):
            existing = instance_loader.instances.get(key)  # not get_instance(): keyed again
            new = existing is None
            instance = self.init_instance(row) if new else existing
        else:
            instance, new = super().get_or_init_instance(instance_loader, row)
        if not new:
            instance._import_snapshot = self.snapshot(instance)
        if new and self.user is not None and key in instance_loader.existing_keys:
            shown = " / ".join(
                cell_text(row.get(self.fields[name].column_name))
                for name in self.get_import_id_fields()
            )
            message = self.outside_scope_message or _(
                "“%(key)s”已存在，但不在您的管辖范围内，不能修改。"
            ) % {"key": shown}
            raise ValidationError({self.key_column(): str(message)})
        return instance, new

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        for fld in self.get_import_fields():
            if not fld.attribute or fld.column_name not in row:
                continue
            try:
                fld.save(instance, row, **kwargs)
            except ValueError as exc:
                errors.setdefault(fld.column_name, []).append(str(exc))
        try:
            self.clean_row(instance, row, errors)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(self.column_for(key), []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def clean_row(self, instance, row, errors: dict[str, list[str]]) -> None:
        """Cross-column rules of the kind; add to `errors` or raise ValidationError."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        exclude = set(self.validation_exclude())
        for key in errors:
            attribute = self.attribute_for(key)
            if attribute:
                exclude.add(attribute)
        try:
            instance.full_clean(
                exclude=exclude,
                validate_unique=validate_unique and self.validate_unique_per_row,
                validate_constraints=self.validate_constraints_per_row,
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(self.column_for(key), []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def validation_exclude(self) -> Iterable[str]:
        return (self.organization_field,) if self.organization_field else ()

    @staticmethod
    def snapshot(instance) -> dict[str, Any]:
        return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged rows are skipped, so a re-import writes nothing and no history.

        Compared against a snapshot taken on load rather than import-export's deep copy,
        which only exists when diffs are computed (`skip_diff` off)."""
        if import_validation_errors:
            return False
        before = getattr(instance, "_import_snapshot", None)
        after = self.snapshot(instance)
        skip = self._meta.skip_unchanged and before is not None and before == after
        if self._preview is not None and not skip:
            self.note_preview(instance, before, after)
        return skip

    # --- preview ---------------------------------------------------------------------
    def note_preview(self, instance, before: dict | None, after: dict) -> None:
        """What the row will write: every filled column of a new row, old → new of each
        changed column of an existing one (shown as the export shows them: masked)."""
        if len(self._preview) >= PREVIEW_ROWS:
            self._preview_truncated = True
            return
        changes = []
        for fld in self.get_import_fields():
            if not fld.attribute or "__" in fld.attribute:
                continue
            try:
                model_field = instance._meta.get_field(fld.attribute)
            except FieldDoesNotExist:
                continue
            attname = model_field.attname
            new = self.preview_value(fld, model_field, after.get(attname))
            if before is None:
                if new:
                    changes.append(Change(fld.column_name, "", new))
            elif before.get(attname) != after.get(attname):
                old = self.preview_value(fld, model_field, before.get(attname))
                changes.append(Change(fld.column_name, old, new))
        row = self.excel_row(self._current_row)
        self._preview[row] = PreviewRow(row, "new" if before is None else "update", changes)

    def preview_value(self, fld, model_field, value) -> str:
        if value in (None, ""):
            return ""
        if model_field.is_relation:
            related = self._preview_related.setdefault(model_field.related_model, {})
            if value not in related:
                related[value] = model_field.related_model._default_manager.filter(pk=value).first()
            value = related[value]
            if value is None:
                return ""
        try:
            return str(fld.widget.render(value))
        except Exception:  # noqa: BLE001 - a preview shows the stored text rather than fail
            return str(value)

    def build_preview(self, result: Result, errors: list[RowError]) -> Preview | None:
        if self._preview is None:
            return None
        rows = dict(self._preview)
        invalid_rows: set[int] = set()
        for error in errors:
            invalid_rows.add(error.row)
            entry = rows.get(error.row)
            if entry is None:
                if len(rows) >= PREVIEW_ROWS:
                    self._preview_truncated = True
                    continue
                entry = rows[error.row] = PreviewRow(error.row, "invalid")
            entry.kind = "invalid"
            entry.errors.append(f"[{error.column}] {error.message}")
        totals = result.totals
        return Preview(
            rows=[rows[k] for k in sorted(rows)],
            new=totals.get(RowResult.IMPORT_TYPE_NEW, 0),
            updated=totals.get(RowResult.IMPORT_TYPE_UPDATE, 0),
            unchanged=totals.get(RowResult.IMPORT_TYPE_SKIP, 0),
            invalid=len(invalid_rows),
            truncated=self._preview_truncated,
        )

    # --- bulk writes with history (Meta.use_bulk) -------------------------------------
    def history_reason(self) -> str:
        return _("导入 %(source)s") % {"source": self.source} if self.source else _("导入")

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Plain bulk_create records no history (DESIGN.md pitfalls): the rows and their
        # history rows are written together (core/bulk_writes.py). A dry run still writes
        # the rows, so that the database's constraints are checked, but not their history,
        # which has no constraint to check and is rolled back anyway.
        if (
            self.create_instances
            and not self._doomed(result)
            and (using_transactions or not dry_run)
        ):
            try:
                create_with_history(
                    self.create_instances,
                    self._meta.model,
                    user=self.user,
                    change_reason=self.history_reason(),
                    with_history=not dry_run,
                    batch_size=batch_size,
                )
                bump(self._meta.model)  # bulk writes send no signals (core/counting.py)
            except Exception as exc:  # noqa: BLE001 - reported like any other row error
                self.handle_import_error(result, exc, raise_errors)
        self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if (
            self.update_instances
            and not self._doomed(result)
            and (using_transactions or not dry_run)
        ):
            try:
                bulk_update_with_history(
                    self.update_instances,
                    self._meta.model,
                    self.bulk_update_fields(),
                    batch_size=batch_size,
                    default_user=self.user,
                    default_change_reason=self.history_reason(),
                )
                bump(self._meta.model)
            except Exception as exc:  # noqa: BLE001
                self.handle_import_error(result, exc, raise_errors)
        self.update_instances.clear()

    def bulk_update_fields(self) -> list[str]:
        key = self.fields[self.get_import_id_fields()[0]].attribute
        return [
            f.attribute
            for f in self.get_import_fields()
            if f.attribute and f.attribute != key and "__" not in f.attribute
        ]

    @staticmethod
    def _doomed(result) -> bool:
        """Once a row is invalid the whole file is rolled back: stop writing batches."""
        return result is not None and (result.has_errors() or result.has_validation_errors())

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = self.history_reason()

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # The admin's templates show these, so that it reports exactly like import_data.
        result.portal_errors = collect_errors(self, result)
        result.portal_notices = list(self.notices)
        result.portal_preview = self.build_preview(result, result.portal_errors)

    # --- columns <-> attributes -------------------------------------------------------
    def column_for(self, key: str) -> str:
        if key == NON_FIELD_ERRORS:
            return self.key_column()
        for name, fld in self.fields.items():
            if key in (name, fld.column_name, fld.attribute):
                return fld.column_name
        return key

    def attribute_for(self, key: str) -> str | None:
        for name, fld in self.fields.items():
            if key in (name, fld.column_name, fld.attribute):
                return fld.attribute
        return None


def unescape_dataset(dataset: tablib.Dataset) -> None:
    """Remove the apostrophe our exports put before text that a spreadsheet would run as a
    formula (core/cell_escaping.py), so that an exported file imports back unchanged.

    Done once on the whole dataset before any row is read, so the instance loader and the
    rows see the same keys; rows without such a cell (nearly all) are left as they are."""
    for index, row in enumerate(dataset):
        if any(isinstance(v, str) and v.startswith("'") for v in row):
            dataset[index] = [unescape_cell(v) for v in row]


def database_conflict_message(resource: PortalResource, exc: Exception) -> str:
    """What the uploader is told when the database refused a write that every check
    before it allowed: another import or edit wrote the same key in the meantime (the
    unique constraint decides), or held the database (SQLite allows one writer)."""
    if isinstance(exc, IntegrityError):
        return _(
            "保存时发现“%(column)s”与另一次同时进行的导入或修改重复（数据库唯一性约束），"
            "本次导入未作任何修改。请稍后重新导入，系统会逐行指出重复的记录。"
        ) % {"column": resource.key_column()}
    return _("数据库正忙（可能有另一次导入正在进行），本次导入未作任何修改，请稍后重试。")


def _is_database_conflict(exc: Exception) -> bool:
    return isinstance(exc, IntegrityError | OperationalError)


def collect_errors(resource: PortalResource, result: Result) -> list[RowError]:
    """Every problem of an import result as `第N行 [列名] 说明`, in row order."""
    errors: list[RowError] = []
    for error in result.base_errors:
        exc = error.error
        if _is_database_conflict(exc):
            # A bulk write failed as a whole: which row collided is not known here.
            message = database_conflict_message(resource, exc)
            errors.append(RowError(HEADER_ROW, resource.key_column(), message))
            continue
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        errors.extend(RowError(HEADER_ROW, _("表头"), m) for m in messages)
    for number, row_errors in result.row_errors():
        for error in row_errors:
            if _is_database_conflict(error.error):
                message = database_conflict_message(resource, error.error)
            else:
                message = _("无法保存：%(error)s") % {"error": error.error}
            errors.append(RowError(resource.excel_row(number), resource.key_column(), message))
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            for message in messages:
                errors.append(
                    RowError(
                        resource.excel_row(invalid.number), resource.column_for(key), str(message)
                    )
                )
    errors.sort(key=lambda e: e.row)
    return errors


def run_import(
    resource: PortalResource, dataset: tablib.Dataset, *, dry_run: bool = False
) -> ImportReport:
    """Import `dataset` all-or-nothing and report what happened."""
    # import_data() runs in its own transaction and rolls back on any error.
    try:
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            raise_errors=False,
        )
    except (IntegrityError, OperationalError) as exc:
        # Raised outside import-export's per-row handling: starting the transaction while
        # another import holds SQLite's write lock, or a constraint checked at commit.
        # The transaction has been rolled back; no cell values in the log (personal data).
        logger.warning("import of %s refused by the database: %s", resource.table, type(exc))
        report = ImportReport(kind=resource.table, dry_run=dry_run, total=len(dataset))
        message = database_conflict_message(resource, exc)
        report.errors = [RowError(HEADER_ROW, resource.key_column(), message)]
        return report
    report = ImportReport(kind=resource.table, dry_run=dry_run, total=len(dataset))
    report.errors = result.portal_errors  # collected once, in after_import()
    report.notices = result.portal_notices
    totals = result.totals
    report.new = totals.get(RowResult.IMPORT_TYPE_NEW, 0)
    report.updated = totals.get(RowResult.IMPORT_TYPE_UPDATE, 0)
    report.unchanged = totals.get(RowResult.IMPORT_TYPE_SKIP, 0)
    return report


def dictionary_field(column: str, attribute: str | None, widget, **kwargs) -> fields.Field:
    """A resource field whose column header is the data dictionary's Chinese name."""
    return fields.Field(attribute=attribute, column_name=column, widget=widget, **kwargs)
