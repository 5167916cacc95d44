#!/usr/bin/env bash
# Back up quizapp's PostgreSQL database: a custom-format pg_dump plus a manifest
# of every table's row count, both taken from the SAME snapshot, so that
# restore-drill.sh can prove a restore is complete to the row.
#
#   deploy/backup-postgres.sh [DIR]
#
# Reads DATABASE_URL (the app's, postgresql+psycopg:// is fine), QUIZAPP_BACKUP_DIR
# (default /var/backups/quizapp) and QUIZAPP_BACKUP_KEEP_DAYS (default 14).
# Writes DIR/quizapp-<UTC stamp>.dump and .counts atomically (a crash leaves only
# a *.partial file, never a truncated dump under the final name), then deletes
# dumps older than the retention. Exit code non-zero on any failure.
set -euo pipefail

url="${DATABASE_URL:?DATABASE_URL is not set (source /etc/quizapp/quizapp.env)}"
url="${url/postgresql+psycopg:\/\//postgresql://}"
url="${url/postgres:\/\//postgresql://}"
case "$url" in postgresql://*) ;; *) echo "backup-postgres: DATABASE_URL is not PostgreSQL; for SQLite use 'quizapp backup PATH'" >&2; exit 2 ;; esac
dir="${1:-${QUIZAPP_BACKUP_DIR:-/var/backups/quizapp}}"
keep_days="${QUIZAPP_BACKUP_KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
base="$dir/quizapp-$stamp"
umask 077
mkdir -p "$dir"

# A REPEATABLE READ transaction exports its snapshot; the row counts are read in
# it and pg_dump dumps exactly it (--snapshot), so manifest and dump agree even
# while officers keep answering.
coproc SNAPSHOT { exec psql "$url" -X -q -A -t -v ON_ERROR_STOP=1 2>&1; }
snapshot_pid=$SNAPSHOT_PID  # bash unsets SNAPSHOT_PID as soon as psql exits
exec {to_psql}>&"${SNAPSHOT[1]}" {from_psql}<&"${SNAPSHOT[0]}"
printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;" "SELECT pg_export_snapshot();" >&"$to_psql"
read -r -t 30 snapshot <&"$from_psql" || { echo "backup-postgres: cannot open a snapshot on the database" >&2; exit 1; }
case "$snapshot" in [0-9A-F]*-*) ;; *) echo "backup-postgres: database said: $snapshot" >&2; exit 1 ;; esac

cat >&"$to_psql" <<'SQL'
SELECT c.relname || ' ' || (xpath('/row/n/text()',
         query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
 ORDER BY c.relname;
SELECT '__end__';
SQL
: >"$base.counts.partial"
while read -r -t 600 line <&"$from_psql"; do
  [ "$line" = "__end__" ] && break
  printf '%s\n' "$line" >>"$base.counts.partial"
done
[ "$line" = "__end__" ] || { echo "backup-postgres: counting rows failed: $line" >&2; exit 1; }

pg_dump --snapshot="$snapshot" --format=custom --compress=6 --no-owner --file="$base.dump.partial" "$url"
printf '%s\n' "COMMIT;" '\q' >&"$to_psql"
exec {to_psql}>&-
wait "$snapshot_pid" 2>/dev/null || true

# A dump pg_restore cannot list is no backup.
pg_restore --list "$base.dump.partial" >/dev/null
mv "$base.counts.partial" "$base.counts"
mv "$base.dump.partial" "$base.dump"

find "$dir" -maxdepth 1 -name 'quizapp-*.dump' -mtime +"$keep_days" -print0 | while IFS= read -r -d '' old; do
  rm -f -- "$old" "${old%.dump}.counts"
done
find "$dir" -maxdepth 1 -name 'quizapp-*.partial' -mmin +1440 -delete

tables=$(wc -l <"$base.counts")
rows=$(awk '{s += $2} END {print s + 0}' "$base.counts")
echo "backup-postgres: $base.dump ($(du -h "$base.dump" | cut -f1), $tables tables, $rows rows)"
