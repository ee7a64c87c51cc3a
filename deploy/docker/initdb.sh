#!/bin/sh
# Run by the postgres image once, when its data volume is new
# (/docker-entrypoint-initdb.d): creates the service roles and schemas.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v role_password="$DB_ROLE_PASSWORD" -f /bootstrap/bootstrap.sql
