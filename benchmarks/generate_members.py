"""Realistic, valid benchmark data: a county's organisation tree and its member roster.

    python benchmarks/generate_members.py tree            # ~2,000 organisations (orgs import)
    python benchmarks/generate_members.py xlsx [N]        # N rows (50,000) to DATA_DIR
    python benchmarks/generate_members.py load [N]        # N members (500,000) via bulk_create

Rows pass every rule of the data dictionary: GB 11643 ID numbers (checksum from
members.identity.check_character) whose birth date and 17th digit match 出生日期 and 性别,
18+ on 入党日期, 正式党员 with 转正日期 at least one year later, 预备党员 without one, mobile
members with a destination. The mix of organisations, ethnicities, education and jobs
follows a rural county. Everything is seeded, so two runs produce the same file. The
generator itself lives in demo/scale.py (shared with `seed_demo --scale city`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from _setup import DATA_DIR, Timer, django_setup

# _setup has put the project on sys.path
from demo.scale import (
    HEADERS,
    ORG_HEADERS,
    TreeShape,
    branch_weights,
    member_objects,
    without_weak_flags,
)
from demo.scale import member_rows as _member_rows
from demo.scale import org_rows as _org_rows

__all__ = ["HEADERS", "ORG_HEADERS", "member_objects"]

ROOT_CODE = "BX"
# Module globals, read at call time: a benchmark may shrink the tree (bulletin.py).
TOWNSHIPS = 20
VILLAGES_PER_TOWNSHIP = 90
COUNTY_UNITS = 4  # 机关工委、教育工委、卫健工委、非公工委
UNITS_PER_COUNTY_UNIT = 35


# --- the organisation tree ---------------------------------------------------------------


def org_rows() -> list[list[str]]:
    """Rows of the orgs import: county → townships / working committees → villages,
    communities and units (about 2,000 organisations, 1,900 of them branches)."""
    shape = TreeShape(
        root_code=ROOT_CODE,
        root_name="北溪县委",
        root_level="县级",
        townships=TOWNSHIPS,
        villages_per_township=VILLAGES_PER_TOWNSHIP,
        committees=COUNTY_UNITS,
        units_per_committee=UNITS_PER_COUNTY_UNIT,
    )
    return _org_rows(shape)


def ensure_tree() -> int:
    """Create the tree with the portal's own orgs import if it is not there yet."""
    django_setup()
    import tablib

    from core.importing import run_import
    from orgs.models import Organization
    from orgs.resources import OrganizationResource

    if Organization.objects.filter(code=ROOT_CODE).exists():
        return Organization.objects.count()
    dataset = tablib.Dataset(headers=ORG_HEADERS)
    # 是否软弱涣散 follows the weak-and-lax register: the import refuses "是" without an
    # entry, so the benchmark tree leaves the column blank.
    rows, _weak = without_weak_flags(org_rows())
    for row in rows:
        dataset.append(row)
    with Timer() as timer:
        report = run_import(OrganizationResource(user=None, source="benchmark"), dataset)
    if not report.ok:
        raise SystemExit("\n".join(str(e) for e in report.errors[:20]))
    print(f"organisation tree: {report.new} organisations in {timer.seconds:.1f} s")
    return Organization.objects.count()


def branch_codes() -> list[tuple[str, int]]:
    """(code, weight) of the organisations members belong to: branches, with county-seat
    communities and organs larger than remote villages."""
    from orgs.models import Organization

    return branch_weights(
        ROOT_CODE, Organization.objects.filter(depth__gte=3).values_list("code", "kind")
    )


# --- members ---------------------------------------------------------------------------


def member_rows(count: int, seed: int = 1921) -> Iterator[dict]:
    """`count` valid members as data-dictionary values (Chinese labels, ISO dates)."""
    django_setup()
    from django.utils import timezone

    return _member_rows(count, branches=branch_codes(), today=timezone.localdate(), seed=seed)


def write_xlsx(count: int, path: Path | None = None) -> Path:
    """The import benchmark's file: openpyxl write-only, every cell a text cell (as the
    blank template asks: ID numbers, phones and dates typed as text)."""
    from openpyxl import Workbook

    ensure_tree()
    path = path or DATA_DIR / f"members-{count}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append(HEADERS)
    for row in member_rows(count):
        sheet.append([row[h] for h in HEADERS])
    workbook.save(path)
    return path


def xlsx_path(count: int) -> Path:
    """The benchmark file, generated on first use."""
    path = DATA_DIR / f"members-{count}.xlsx"
    if not path.exists():
        with Timer() as timer:
            write_xlsx(count, path)
        print(f"generated {path} ({count} rows) in {timer.seconds:.1f} s")
    return path


# --- straight into the database (the list-page benchmark) ---------------------------------


def load_members(count: int, batch: int = 5000) -> None:
    """Replace the roster with `count` generated members (plain bulk_create: the list-page
    benchmark measures reading, not importing)."""
    from itertools import islice

    from _setup import reset_members, vacuum_members
    from django.db import transaction

    from members.models import Member
    from orgs.models import Organization

    ensure_tree()
    reset_members()
    orgs_by_code = dict(Organization.objects.values_list("code", "pk"))
    objects = member_objects(member_rows(count, seed=500000), orgs_by_code)
    with Timer() as timer:
        while chunk := list(islice(objects, batch)):
            with transaction.atomic():
                Member.objects.bulk_create(chunk)
    vacuum_members()
    print(f"loaded {Member.objects.count()} members in {timer.seconds:.1f} s")


def main(argv: list[str]) -> None:
    command = argv[0] if argv else "xlsx"
    django_setup()
    if command == "tree":
        print(f"{ensure_tree()} organisations")
    elif command == "xlsx":
        count = int(argv[1]) if len(argv) > 1 else 50_000
        with Timer() as timer:
            path = write_xlsx(count)
        print(f"wrote {path} ({count} rows) in {timer.seconds:.1f} s")
    elif command == "load":
        load_members(int(argv[1]) if len(argv) > 1 else 500_000)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
