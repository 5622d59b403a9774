"""django-import-export's own `export` and `import` commands bypass the data dictionary,
masking and the export log: core overrides both with a refusal that names the project's
commands (export_data / import_data)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands

from members.models import Member
from orgs.models import Organization

REFUSED = [
    ("export", ["CSV", "members.Member"], "export_data"),
    ("export", ["XLSX", "orgs.Organization", "--encoding", "utf-8"], "export_data"),
    ("import", ["orgs.Organization", "组织.csv"], "import_data"),
    ("import", ["members.Member", "-", "--format", "CSV", "--dry-run", "--noinput"], "import_data"),
]


@pytest.mark.parametrize("name", ["export", "import"])
def test_the_command_names_resolve_to_core_not_import_export(name):
    assert get_commands()[name] == "core"


@pytest.mark.parametrize(("name", "args", "instead"), REFUSED)
def test_the_generic_commands_refuse_and_name_the_projects_commands(
    name, args, instead, tmp_path, monkeypatch, village_a1
):
    monkeypatch.chdir(tmp_path)
    Path("组织.csv").write_text("组织代码,组织名称\nX1,某支部\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("组织代码,组织名称\nX2,某支部\n"))
    organisations = Organization.objects.count()
    # import-export's export writes bytes to stdout.buffer.
    written = io.BytesIO()
    stdout = io.TextIOWrapper(written, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command(name, *args, stdout=stdout, stderr=io.StringIO())
    stdout.flush()
    message = str(caught.value)
    assert f"manage.py {instead}" in message
    assert "已停用" in message
    assert "disabled" in message
    # Nothing written: no output, no new file, no rows.
    assert written.getvalue() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["组织.csv"]
    assert Organization.objects.count() == organisations
    assert not Member.objects.exists()


def test_the_refusal_exits_non_zero(capsys, db):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as caught:
        ManagementUtility(["manage.py", "export", "CSV", "members.Member"]).execute()
    assert caught.value.code != 0
    captured = capsys.readouterr()
    assert "export_data" in captured.err
    assert captured.out == ""
