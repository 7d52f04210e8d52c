#!/usr/bin/env bash
# Back up what holds data: the PostgreSQL database (pg_dump, custom format) and
# MEDIA_ROOT (lesson videos, certificate PDFs). Redis holds nothing to keep.
#
#   DATABASE_URL=postgres://… MEDIA_ROOT=/srv/ambassador/media deploy/backup.sh DIR [STAMP]
#
# writes DIR/db-STAMP.dump and DIR/media-STAMP.tar.gz (STAMP defaults to today's date).
# Read docs/deploy.md, "Backups"; deploy/restore.sh puts them back.
set -euo pipefail
dir=${1:?usage: backup.sh DIR [STAMP]}
stamp=${2:-$(date +%F)}
: "${DATABASE_URL:?set DATABASE_URL (the database to back up)}"
: "${MEDIA_ROOT:?set MEDIA_ROOT (the media folder to back up)}"
mkdir -p "$dir"
pg_dump --format=custom --file="$dir/db-$stamp.dump" --dbname="$DATABASE_URL"
media=$(cd "$MEDIA_ROOT" && pwd)
tar -C "$(dirname "$media")" -czf "$dir/media-$stamp.tar.gz" "$(basename "$media")"
echo "Backed up to $dir/db-$stamp.dump and $dir/media-$stamp.tar.gz"
