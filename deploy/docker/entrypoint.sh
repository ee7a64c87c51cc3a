#!/bin/sh
# Entry point of the service images. When DATABASE_PASSWORD_FILE names a
# file (a Docker/Kubernetes secret), its content replaces the password in
# DATABASE_URL, so the password never has to be written in the compose file
# or the environment. Then it runs the command (the service).
set -eu
if [ -n "${DATABASE_PASSWORD_FILE:-}" ]; then
    if [ ! -r "$DATABASE_PASSWORD_FILE" ]; then
        echo "configuration error: DATABASE_PASSWORD_FILE $DATABASE_PASSWORD_FILE is not readable" >&2
        exit 78
    fi
    # Percent-encode the password for the URL (od and sed: no other tools).
    pw=$(tr -d '\n' <"$DATABASE_PASSWORD_FILE" | od -An -tx1 -v | tr -d ' \n' | sed 's/\(..\)/%\1/g')
    case ${DATABASE_URL:-} in
        postgresql://*@* | postgres://*@*)
            scheme=${DATABASE_URL%%://*}
            rest=${DATABASE_URL#*://}
            userinfo=${rest%%@*}
            user=${userinfo%%:*}
            DATABASE_URL="$scheme://$user:$pw@${rest#*@}"
            export DATABASE_URL
            ;;
        *)
            echo "configuration error: DATABASE_PASSWORD_FILE needs DATABASE_URL of the form postgresql://user@host/db" >&2
            exit 78
            ;;
    esac
fi
exec "$@"
