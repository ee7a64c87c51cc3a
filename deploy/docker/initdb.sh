#!/bin/sh
# Run by the postgres image once, when its data volume is new
# (/docker-entrypoint-initdb.d): creates the service roles and schemas.
set -eu
# Each role's password: the file DB_<ROLE>_PASSWORD_FILE (a mounted
# secret), else DB_<ROLE>_PASSWORD, else DB_ROLE_PASSWORD.
pw() {
    file=$(printenv "DB_$1_PASSWORD_FILE" || true)
    if [ -n "$file" ]; then
        cat "$file"
    else
        printenv "DB_$1_PASSWORD" || printf '%s' "${DB_ROLE_PASSWORD:?DB_ROLE_PASSWORD or DB_$1_PASSWORD_FILE}"
    fi
}
# BEGIN services: roles (deploy/services.py)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v pw_identity="$(pw IDENTITY)" \
    -v pw_documents="$(pw DOCUMENTS)" \
    -v pw_attendance="$(pw ATTENDANCE)" \
    -v pw_printing="$(pw PRINTING)" \
    -v pw_seals="$(pw SEALS)" \
    -v pw_meetings="$(pw MEETINGS)" \
    -f /bootstrap/bootstrap.sql
# END services: roles
