#!/usr/bin/env bash
# 备份数据库和上传文件 / Back up the database and the uploaded files.
#
#   scripts/backup.sh [DEST_DIR]        (default: backups/YYYYmmdd-HHMMSS)
#
# Reads DATABASE_URL (default: SQLite db.sqlite3 in the project) and MEDIA_ROOT (default:
# media/ in the project), as the portal does. Writes into DEST_DIR:
#   db.dump        PostgreSQL, pg_dump custom format (restore with scripts/restore.sh)
#   db.sqlite3     SQLite, a consistent copy made with SQLite's online backup API
#   media.tar.gz   every uploaded file (evidence, attachments, bulletins, import files)
#   MANIFEST       what was backed up, when, with SHA-256 sums
# Safe while the portal runs: pg_dump and SQLite's backup API read a consistent snapshot.
set -euo pipefail

cd "$(dirname "$0")/.."
PROJECT=$(pwd)
PYTHON=${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}
DATABASE_URL=${DATABASE_URL:-sqlite:///$PROJECT/db.sqlite3}
MEDIA_ROOT=${MEDIA_ROOT:-$PROJECT/media}
DEST=${1:-backups/$(date +%Y%m%d-%H%M%S)}

mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)

case "$DATABASE_URL" in
    postgres://*|postgresql://*)
        pg_dump --format=custom --no-owner --no-privileges --file "$DEST/db.dump" "$DATABASE_URL"
        ENGINE=postgresql
        ;;
    sqlite://*)
        path=${DATABASE_URL#sqlite://}
        path=${path#/}
        [ "${path:0:1}" = "/" ] || path="$PROJECT/$path"
        if [ ! -f "$path" ]; then
            echo "备份失败：找不到 SQLite 数据库文件 $path" >&2
            exit 1
        fi
        "$PYTHON" - "$path" "$DEST/db.sqlite3" <<'PY'
import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
source.close(); target.close()
PY
        ENGINE=sqlite
        ;;
    *)
        echo "备份失败：不支持的 DATABASE_URL（只支持 postgres:// 和 sqlite://）" >&2
        exit 1
        ;;
esac

if [ -d "$MEDIA_ROOT" ]; then
    tar -C "$MEDIA_ROOT" -czf "$DEST/media.tar.gz" .
else
    tar -czf "$DEST/media.tar.gz" --files-from /dev/null
fi

{
    echo "created: $(date -Iseconds)"
    echo "engine: $ENGINE"
    (cd "$DEST" && sha256sum db.* media.tar.gz)
} > "$DEST/MANIFEST"

echo "已备份到 $DEST"
