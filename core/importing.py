"""The one import/export mechanism: django-import-export resources that know the data
dictionary, and the reporting every caller (admin, `import_data`, tasks) shares.

A file imports completely or not at all; every bad row is reported as `第N行 [列名] 说明`
(N as Excel shows it, the header being row 1), all at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, OperationalError, models
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import Result, RowResult
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .cell_escaping import unescape_cell
from .counting import bump
from .keys import KeyField, normalise_key
from .tables import cell_text

HEADER_ROW = 1

logger = logging.getLogger(__name__)


def excel_row(index: int) -> int:
    """import-export numbers data rows from 1; Excel shows the header as row 1."""
    return index + HEADER_ROW


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

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return _("导入失败：共 %(n)d 处错误，数据库未作任何修改。") % {"n": len(self.errors)}
        verb = _("试导入（未写入）") if self.dry_run else _("导入完成")
        return _("%(verb)s：共 %(total)d 行，新增 %(new)d，更新 %(updated)d，未变 %(same)d。") % {
            "verb": verb,
            "total": self.total,
            "new": self.new,
            "updated": self.updated,
            "same": self.unchanged,
        }


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

    It also learns which keys exist *outside* the resource's scope (one more query per
    chunk), so that such a row is reported as out of scope instead of colliding on insert.
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

    def __init__(self, user: Any = None, source: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.source = source
        self._seen_keys: dict[tuple, int] = {}

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

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        if self.user is not None and not self.may_import(self.user):
            del dataset[0 : len(dataset)]
            raise ValidationError(_("只有组织部工作人员可以导入数据。"))
        headers = list(dataset.headers or [])
        expected = self.expected_headers()
        problems = []
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
        if all(value in (None, "") for value in row.values()):
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        return super().import_row(row, instance_loader, **kwargs)

    def key_of(self, row) -> tuple:
        """The row's key as a tuple of cleaned values (related objects by pk); raises
        ValidationError naming the key column that cannot be read."""
        parts = []
        for name in self.get_import_id_fields():
            fld = self.fields[name]
            try:
                value = fld.clean(row)
            except ValueError as exc:
                raise ValidationError({fld.column_name: str(exc)}) from None
            parts.append(value.pk if isinstance(value, models.Model) else value)
        return tuple(parts)

    def get_or_init_instance(self, instance_loader, row):
        key = self.key_of(row)
        row_number = self._current_row
        previous = self._seen_keys.setdefault(key, row_number)
        if previous != row_number:
            raise ValidationError(
                {self.key_column(): _("与第%(row)d行重复。") % {"row": excel_row(previous)}}
            )
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
        if import_validation_errors or not self._meta.skip_unchanged:
            return False
        before = getattr(instance, "_import_snapshot", None)
        return before is not None and before == self.snapshot(instance)

    # --- bulk writes with history (Meta.use_bulk) -------------------------------------
    def history_reason(self) -> str:
        return _("导入 %(source)s") % {"source": self.source} if self.source else _("导入")

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Plain bulk_create records no history (DESIGN.md pitfalls).
        if (
            self.create_instances
            and not self._doomed(result)
            and (using_transactions or not dry_run)
        ):
            try:
                bulk_create_with_history(
                    self.create_instances,
                    self._meta.model,
                    batch_size=batch_size,
                    default_user=self.user,
                    default_change_reason=self.history_reason(),
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
            errors.append(RowError(excel_row(number), resource.key_column(), message))
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            for message in messages:
                errors.append(
                    RowError(excel_row(invalid.number), resource.column_for(key), str(message))
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
    totals = result.totals
    report.new = totals.get(RowResult.IMPORT_TYPE_NEW, 0)
    report.updated = totals.get(RowResult.IMPORT_TYPE_UPDATE, 0)
    report.unchanged = totals.get(RowResult.IMPORT_TYPE_SKIP, 0)
    return report


def dictionary_field(column: str, attribute: str | None, widget, **kwargs) -> fields.Field:
    """A resource field whose column header is the data dictionary's Chinese name."""
    return fields.Field(attribute=attribute, column_name=column, widget=widget, **kwargs)
