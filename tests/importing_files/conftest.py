"""The office files, made once per test session: written with openpyxl and by hand, and the
same workbooks saved again by LibreOffice (headless) as .xlsx and as .xls."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.importing_files import office_files as files
from tests.office.converting import convert

#: name → how it is made; "lo-" files are LibreOffice's conversions of these
WORKBOOKS = {
    "roster": files.roster_workbook,
    "three-far-sheets": lambda: files.far_corner_workbook(sheets=3, column=60),
    "one-far-cell": lambda: files.far_corner_workbook(sheets=1, column=256),
    "merged-pairs": lambda: files.merged_row_workbook(ranges=4),
}
#: what LibreOffice saves as .xlsx too (the rest only as .xls)
AS_XLSX = ("roster",)


@pytest.fixture(scope="session")
def office_files(tmp_path_factory) -> dict[str, bytes]:
    """File name → bytes. LibreOffice takes one target format per run (with two
    --convert-to the last wins), so its two runs, .xlsx and .xls, start at once, each
    with its own profile directory; a missing soffice fails the tests (converting.py)."""
    folder: Path = tmp_path_factory.mktemp("office-files")
    made: dict[str, bytes] = {}
    sources = []
    for name, build in WORKBOOKS.items():
        path = folder / f"{name}.xlsx"
        build().save(path)
        made[path.name] = path.read_bytes()
        sources.append(path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        as_xls = pool.submit(convert, sources, "xls", folder / "lo-xls")
        as_xlsx = pool.submit(
            convert, [s for s in sources if s.stem in AS_XLSX], "xlsx", folder / "lo-xlsx"
        )
        converted = as_xls.result() + as_xlsx.result()
    for path in converted:
        made[f"lo-{path.name}"] = path.read_bytes()
    made["roster-utf8.csv"] = files.roster_csv("utf-8")
    made["roster-utf8-bom.csv"] = files.roster_csv("utf-8-sig")
    made["roster-gb18030.csv"] = files.roster_csv("gb18030")
    return made
