"""The built-in import aliases of every registered table as Markdown, for
docs/import-aliases.md: the document is generated from the resources, so it cannot drift
from what the importer reads (a test compares the two)."""

from __future__ import annotations

from pathlib import Path

from .importing import IGNORED_EVERYWHERE
from .registry import get_kind, kind_names

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "import-aliases.md"

INTRODUCTION = """\
# Import aliases — the headers and values the importer also reads

Generated from the import resources by `core/alias_doc.py` (a test fails when this file
and the code differ; regenerate with
`.venv/bin/python manage.py shell -c "from core.alias_doc import write; write()"`).

Besides the column names and values of the data dictionary (`docs/data-dictionary.md`),
every table reads the header texts and choice values below. County staff add their own in
the admin (导入别名); they apply to the imports of users in that county. Headers are
compared without blanks and with brackets in full width; values after NFKC (full-width
letters and digits become ASCII) and without regard to case.

Columns that spreadsheets carry beside any table and that are left out with a notice:
{ignored}. Any other unknown column is an error, so that a mistyped header never vanishes.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def aliases_markdown() -> str:
    parts = [INTRODUCTION.format(ignored="、".join(IGNORED_EVERYWHERE))]
    for name in kind_names():
        kind = get_kind(name)
        resource = kind.resource
        parts.append(f"\n## {name} — {kind.label}\n")
        headers = resource.header_aliases
        if headers:
            parts.append("\n| column | also read as |\n| --- | --- |\n")
            for column, aliases in headers.items():
                parts.append(f"| {_cell(column)} | {_cell('、'.join(aliases))} |\n")
        values = getattr(resource, "value_aliases", {})
        for column, mapping in values.items():
            if not mapping:
                continue
            parts.append(f"\n{column}:\n\n| written | read as |\n| --- | --- |\n")
            for alias, label in mapping.items():
                parts.append(f"| {_cell(alias)} | {_cell(label)} |\n")
        if resource.ignored_headers:
            left_out = "、".join(resource.ignored_headers)
            parts.append(f"\nLeft out with a notice (other systems' columns): {left_out}.\n")
        if not headers and not values:
            parts.append("\nNo built-in aliases.\n")
    return "".join(parts)


def write() -> None:
    DOCUMENT.write_text(aliases_markdown(), encoding="utf-8")
