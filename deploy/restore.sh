#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and media folder.
#
#   DATABASE_URL=postgres://… MEDIA_ROOT=/srv/ambassador/media deploy/restore.sh DB.dump MEDIA.tar.gz
#
# Stop the web, worker and beat services first (docs/deploy.md, "Backups"). It refuses a
# database that already has tables and a media folder that is not empty, so it never
# mixes a backup with live data.
set -euo pipefail
dump=${1:?usage: restore.sh DB.dump MEDIA.tar.gz}
archive=${2:?usage: restore.sh DB.dump MEDIA.tar.gz}
: "${DATABASE_URL:?set DATABASE_URL (an empty database to restore into)}"
: "${MEDIA_ROOT:?set MEDIA_ROOT (an empty or missing folder to restore into)}"
tables=$(psql --no-psqlrc -tA --dbname="$DATABASE_URL" \
  -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "The database already has $tables tables: restore into an empty database." >&2
  exit 1
fi
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  echo "$MEDIA_ROOT is not empty: restore into an empty folder." >&2
  exit 1
fi
pg_restore --no-owner --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" --strip-components=1 -xzf "$archive"
echo "Restored $dump and $archive"
