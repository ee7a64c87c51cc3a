#!/usr/bin/env bash
# Makes debian:bookworm-slim, the base of every image of the project, where
# no registry serves it: a minimal Debian bookworm made with debootstrap and
# imported into podman under the name the Dockerfiles use. On a machine that
# can pull the image this script is never needed (and does nothing when the
# image is already there).
#
#   deploy/docker/base-image.sh [image]     (default debian:bookworm-slim)
#
# Needs root, podman and debootstrap; reads the Debian mirror from
# DEBIAN_MIRROR (default: the first one in this machine's apt sources).
set -euo pipefail

image=${1:-debian:bookworm-slim}
suite=bookworm

if podman image exists "$image" || podman image exists "docker.io/library/$image"; then
    exit 0
fi
if timeout 120 podman pull -q "docker.io/library/$image" >/dev/null 2>&1; then
    echo "base-image: pulled $image"
    exit 0
fi
echo "base-image: no registry serves $image; making it with debootstrap"

command -v debootstrap >/dev/null || { echo "base-image: debootstrap is not installed" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "base-image: debootstrap needs root" >&2; exit 1; }

mirror=${DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
    mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        grep -v '^[[:space:]]*#' | grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -n 1 || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}

root=$(mktemp -d /var/tmp/oa-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
    tail -n 30 "$root.log" >&2
    rm -f "$root.log"
    echo "base-image: debootstrap failed" >&2
    exit 1
}
rm -f "$root.log"

# What the official slim image also leaves out: caches, package lists,
# documentation and locales other than the C locale.
cat >"$root/etc/apt/sources.list" <<SRC
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${mirror%/debian*}/debian-security $suite-security main
SRC
# apt keeps no caches and no translations; dpkg installs no documentation,
# manual pages or locales (as in the official slim image).
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CONF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CONF
echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
echo 'APT::Install-Recommends "false";' >"$root/etc/apt/apt.conf.d/docker-no-recommends"
cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'CONF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CONF
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/var/log/*.log "$root"/tmp/* 2>/dev/null || true
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true

tar --numeric-owner -C "$root" -c . |
    podman import --change 'CMD ["bash"]' \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        - "docker.io/library/$image" >/dev/null
podman tag "docker.io/library/$image" "$image" 2>/dev/null || true
echo "base-image: made $image ($(podman image inspect -f '{{.Size}}' "docker.io/library/$image") bytes)"
