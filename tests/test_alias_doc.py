"""docs/import-aliases.md is what the importer reads, alias for alias."""

from __future__ import annotations

from core.alias_doc import DOCUMENT, aliases_markdown


def test_the_alias_document_matches_the_resources():
    assert DOCUMENT.read_text(encoding="utf-8") == aliases_markdown(), (
        "docs/import-aliases.md is out of date: run "
        '.venv/bin/python manage.py shell -c "from core.alias_doc import write; write()"'
    )


def test_the_document_names_the_national_rosters_headers():
    text = aliases_markdown()
    for header in ("身份证号", "所在党支部", "转为正式党员日期", "外出流向", "家庭住址"):
        assert header in text
