# The gateway: Debian's nginx with deploy/nginx/gateway.docker.conf
# (rendered from gateway.conf.template by `make docker-conf`).
FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        nginx curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default
COPY deploy/nginx/gateway.docker.conf /etc/nginx/nginx.conf
# The web console (工作台), built from web/ into the WEB_ROOT of the config.
COPY web /tmp/web
RUN bash /tmp/web/build.sh /usr/share/oa/web && rm -rf /tmp/web
EXPOSE 8080
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1
CMD ["nginx", "-g", "daemon off;"]
