#!/usr/bin/env bash
# 从备份恢复数据库和上传文件 / Restore the database and uploaded files from a backup.
#
#   scripts/restore.sh BACKUP_DIR [--force]
#
# Restores into DATABASE_URL and MEDIA_ROOT (same defaults as the portal):
#   PostgreSQL: the target database must exist (createdb); its tables are replaced
#               (pg_restore --clean --if-exists), stopping at the first error.
#   SQLite:     the database file is written; an existing file is kept unless --force.
#   media:      extracted into MEDIA_ROOT (existing files with the same name replaced).
# Checks the MANIFEST sums first. Stop the portal (web and worker) while restoring, then
# run `manage.py migrate` in case the code is newer than the backup.
set -euo pipefail

cd "$(dirname "$0")/.."
PROJECT=$(pwd)
BACKUP=${1:?用法：scripts/restore.sh 备份目录 [--force]}
FORCE=${2:-}
DATABASE_URL=${DATABASE_URL:-sqlite:///$PROJECT/db.sqlite3}
MEDIA_ROOT=${MEDIA_ROOT:-$PROJECT/media}

if [ ! -f "$BACKUP/MANIFEST" ]; then
    echo "恢复失败：$BACKUP 不是备份目录（没有 MANIFEST）" >&2
    exit 1
fi
if ! (cd "$BACKUP" && grep -E '^[0-9a-f]{64} ' MANIFEST | sha256sum --check --quiet); then
    echo "恢复失败：备份文件校验不通过（已损坏或被修改）" >&2
    exit 1
fi

case "$DATABASE_URL" in
    postgres://*|postgresql://*)
        [ -f "$BACKUP/db.dump" ] || { echo "恢复失败：备份中没有 PostgreSQL 数据（db.dump）" >&2; exit 1; }
        pg_restore --no-owner --no-privileges --clean --if-exists --exit-on-error \
            --dbname "$DATABASE_URL" "$BACKUP/db.dump"
        ;;
    sqlite://*)
        [ -f "$BACKUP/db.sqlite3" ] || { echo "恢复失败：备份中没有 SQLite 数据（db.sqlite3）" >&2; exit 1; }
        path=${DATABASE_URL#sqlite://}
        path=${path#/}
        [ "${path:0:1}" = "/" ] || path="$PROJECT/$path"
        if [ -e "$path" ] && [ "$FORCE" != "--force" ]; then
            echo "恢复失败：$path 已存在。确认要覆盖请加 --force。" >&2
            exit 1
        fi
        mkdir -p "$(dirname "$path")"
        rm -f "$path-wal" "$path-shm"
        cp "$BACKUP/db.sqlite3" "$path"
        ;;
    *)
        echo "恢复失败：不支持的 DATABASE_URL（只支持 postgres:// 和 sqlite://）" >&2
        exit 1
        ;;
esac

mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$BACKUP/media.tar.gz"
echo "已从 $BACKUP 恢复。请运行 manage.py migrate 后再启动门户。"
if [ -n "${REDIS_URL:-}" ]; then
    # Figures and list totals cached in Redis were computed from the data before the restore.
    echo "使用 Redis 时还请清空门户缓存（统计数字和名册总数来自恢复前）："
    echo "  manage.py shell -c 'from django.core.cache import cache; cache.clear()'"
fi
