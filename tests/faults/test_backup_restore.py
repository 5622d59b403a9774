"""scripts/backup.sh and scripts/restore.sh: a backup restored into a fresh database holds
every row of every table and every uploaded file, byte for byte."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from members.models import Member
from tests.factories import make_member

ROOT = Path(settings.BASE_DIR)


def run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def files_of(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def write_media(root: Path) -> None:
    (root / "checklists" / "2026").mkdir(parents=True)
    (root / "checklists" / "2026" / "照片.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(2048))
    (root / "bulletins").mkdir()
    (root / "bulletins" / "通报.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4096))


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite pass of CI backs up the SQLite file"
)
def test_sqlite_file_and_media_round_trip(transactional_db, tree, tmp_path):
    source, target = tmp_path / "portal.sqlite3", tmp_path / "restored" / "portal.sqlite3"
    media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    for seq in range(25):
        make_member(tree["A1"], seq=seq)
    # The test database lives in memory: copy it to the file a deployment would have.
    connection.ensure_connection()
    with sqlite3.connect(source) as file_db:
        connection.connection.backup(file_db)
    write_media(media)
    env = {"DATABASE_URL": f"sqlite:///{source}", "MEDIA_ROOT": str(media)}

    backup = run("backup.sh", str(tmp_path / "backup"), env=env)
    assert backup.returncode == 0, backup.stderr
    restore_env = {"DATABASE_URL": f"sqlite:///{target}", "MEDIA_ROOT": str(restored_media)}
    restore = run("restore.sh", str(tmp_path / "backup"), env=restore_env)
    assert restore.returncode == 0, restore.stderr

    # Numbers and phones are encrypted at rest, so the backup holds none of them.
    saved = (tmp_path / "backup" / "db.sqlite3").read_bytes()
    members = Member.objects.values_list("id_number", "phone")
    assert not any(n.encode() in saved or p.encode() in saved for n, p in members)

    counts = sqlite_counts(source)
    assert counts["members_member"] == 25
    assert counts["orgs_organization"] == 6
    assert sqlite_counts(target) == counts
    assert files_of(restored_media) == files_of(media)
    # An existing database is not overwritten by accident.
    again = run("restore.sh", str(tmp_path / "backup"), env=restore_env)
    assert again.returncode == 1
    assert "已存在" in again.stderr


def test_a_damaged_backup_is_refused(tmp_path):
    source = tmp_path / "portal.sqlite3"
    sqlite3.connect(source).execute("CREATE TABLE t (x)").connection.commit()
    env = {"DATABASE_URL": f"sqlite:///{source}", "MEDIA_ROOT": str(tmp_path / "media")}
    assert run("backup.sh", str(tmp_path / "b"), env=env).returncode == 0
    (tmp_path / "b" / "db.sqlite3").write_bytes(b"garbage")
    target_env = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"}
    result = run("restore.sh", str(tmp_path / "b"), env=target_env)
    assert result.returncode == 1
    assert "校验不通过" in result.stderr
    assert not (tmp_path / "new.sqlite3").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL pass of CI runs pg_dump/pg_restore"
)
def test_postgresql_dump_restores_into_a_fresh_database(transactional_db, tree, tmp_path):
    import psycopg

    for seq in range(25):
        make_member(tree["A1"], seq=seq)
    media = tmp_path / "media"
    write_media(media)
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    base = f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}"
    fresh = f"{db['NAME']}_restore"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        env = {"DATABASE_URL": f"{base}/{db['NAME']}", "MEDIA_ROOT": str(media)}
        backup = run("backup.sh", str(tmp_path / "backup"), env=env)
        assert backup.returncode == 0, backup.stderr
        restore_env = {"DATABASE_URL": f"{base}/{fresh}", "MEDIA_ROOT": str(tmp_path / "restored")}
        restore = run("restore.sh", str(tmp_path / "backup"), env=restore_env)
        assert restore.returncode == 0, restore.stderr

        tables = connection.introspection.table_names()
        with connection.cursor() as cursor:
            expected = {}
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                expected[table] = cursor.fetchone()[0]
        with psycopg.connect(f"{base}/{fresh}") as restored:
            found = {
                table: restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                for table in tables
            }
        assert expected["members_member"] == 25
        assert found == expected
        assert files_of(tmp_path / "restored") == files_of(media)
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
