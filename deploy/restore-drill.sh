#!/usr/bin/env bash
# Restore drill: restore a quizapp dump into a scratch database and prove it is
# complete — every table of the backup's manifest present with the same row
# count, and the schema at a migration revision. Prints PASS or FAIL.
#
#   deploy/restore-drill.sh [DUMP] [--keep]
#
# DUMP defaults to the newest quizapp-*.dump in QUIZAPP_BACKUP_DIR. The scratch
# database quizapp_drill_<stamp> is created on the server of
# QUIZAPP_DRILL_ADMIN_URL (a role allowed to CREATE DATABASE; default: DATABASE_URL)
# and dropped afterwards unless --keep is given. The live database is only read.
set -euo pipefail

dump="" keep=0
for arg in "$@"; do
  case "$arg" in --keep) keep=1 ;; *) dump="$arg" ;; esac
done
if [ -z "$dump" ]; then
  dump="$(ls -1t "${QUIZAPP_BACKUP_DIR:-/var/backups/quizapp}"/quizapp-*.dump 2>/dev/null | head -n 1 || true)"
fi
[ -n "$dump" ] && [ -f "$dump" ] || { echo "FAIL: no dump found (give a path or set QUIZAPP_BACKUP_DIR)"; exit 1; }
manifest="${dump%.dump}.counts"
[ -f "$manifest" ] || { echo "FAIL: $dump has no row-count manifest ($manifest)"; exit 1; }

admin="${QUIZAPP_DRILL_ADMIN_URL:-${DATABASE_URL:?set DATABASE_URL or QUIZAPP_DRILL_ADMIN_URL}}"
admin="${admin/postgresql+psycopg:\/\//postgresql://}"
admin="${admin/postgres:\/\//postgresql://}"
query=""
case "$admin" in *\?*) query="?${admin#*\?}"; admin="${admin%%\?*}" ;; esac
server="${admin%/*}"
scratch="quizapp_drill_$(date -u +%Y%m%d%H%M%S)"
scratch_url="$server/$scratch$query"
maintenance_url="$server/postgres$query"

cleanup() {
  if [ "$keep" = 0 ]; then
    psql "$maintenance_url" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null 2>&1 || true
  else
    echo "kept scratch database $scratch"
  fi
}
trap cleanup EXIT

started=$(date +%s)
psql "$maintenance_url" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$scratch\"" >/dev/null
if ! pg_restore --no-owner --no-acl --exit-on-error --dbname="$scratch_url" "$dump"; then
  echo "FAIL: pg_restore of $dump stopped with an error"
  exit 1
fi

restored="$(mktemp)"
trap 'rm -f "$restored"; cleanup' EXIT
psql "$scratch_url" -X -q -A -t -v ON_ERROR_STOP=1 >"$restored" <<'SQL'
SELECT c.relname || ' ' || (xpath('/row/n/text()',
         query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
 ORDER BY c.relname;
SQL

failures=0
while read -r table expected; do
  actual="$(awk -v t="$table" '$1 == t {print $2}' "$restored")"
  if [ -z "$actual" ]; then
    echo "  missing table $table (backup had $expected rows)"; failures=$((failures + 1))
  elif [ "$actual" != "$expected" ]; then
    echo "  $table: backup had $expected rows, restore has $actual"; failures=$((failures + 1))
  fi
done <"$manifest"

revision="$(psql "$scratch_url" -X -A -t -c "SELECT version_num FROM alembic_version" 2>/dev/null || true)"
if [ -z "$revision" ]; then
  echo "  no alembic_version row: the schema was not made by 'quizapp db upgrade'"; failures=$((failures + 1))
fi

tables=$(wc -l <"$manifest")
rows=$(awk '{s += $2} END {print s + 0}' "$manifest")
elapsed=$(( $(date +%s) - started ))
if [ "$failures" = 0 ]; then
  echo "PASS: $dump restored into $scratch in ${elapsed}s: $tables tables, $rows rows, migration $revision"
else
  echo "FAIL: $failures problem(s) restoring $dump"
  exit 1
fi
