# The gateway: Debian's nginx with deploy/nginx/gateway.conf.template and
# the web console (工作台).
#   docker build -f deploy/docker/nginx.Dockerfile -t oa/gateway .
# The configuration is rendered each time the container starts, from its
# environment (deploy/nginx/render.sh docker): DOCKER_SERVICES names the
# services the stack runs (the paths of the others answer 502),
# GATEWAY_TRUSTED_PROXIES the load balancers whose X-Forwarded-For is
# believed. Runs as www-data with a read-only root file system (nginx and
# the rendered configuration live in /tmp).
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS gateway
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        nginx curl ca-certificates openssl \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/* \
        /etc/nginx/sites-enabled/default /etc/nginx/conf.d/* /var/log/nginx/*
# The web console (工作台), built from web/ into the WEB_ROOT of the config.
COPY web /tmp/web
RUN bash /tmp/web/build.sh /usr/share/oa/web >/dev/null && rm -rf /tmp/web
COPY deploy/nginx/render.sh deploy/nginx/real_ip.sh deploy/nginx/gateway.conf.template \
    /usr/local/share/oa-gateway/
COPY deploy/docker/gateway-start.sh /usr/local/bin/oa-gateway
# The configuration with the defaults must be valid (upstream names are
# not resolvable here, so only the syntax is checked).
RUN openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=check \
        -keyout /tmp/check.key -out /tmp/check.crt >/dev/null 2>&1 \
    && GATEWAY_TLS_CERT=/tmp/check.crt GATEWAY_TLS_KEY=/tmp/check.key \
        bash /usr/local/share/oa-gateway/render.sh docker \
        | sed -E 's/^( *server )[a-z]+:8080;/\1127.0.0.1:8080;/' >/tmp/nginx.conf \
    && nginx -t -q -e stderr -c /tmp/nginx.conf && rm -rf /tmp/* /tmp/.[!.]*
# (/tmp must be left empty: podman copies the image's /tmp into the tmpfs
# mounted there, and directories nginx -t made as root are not www-data's.)
ARG VERSION=dev
ARG SOURCE=https://example.invalid/district-office/oa
LABEL org.opencontainers.image.title="oa-gateway" \
      org.opencontainers.image.description="district office backend: the nginx gateway and web console" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}"
ENV DOCKER_SERVICES="identity documents attendance printing seals meetings"
USER www-data
EXPOSE 8080 8443
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1
CMD ["/usr/local/bin/oa-gateway"]
