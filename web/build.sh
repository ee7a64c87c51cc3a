#!/usr/bin/env bash
# Build the web console (工作台) into static files for the gateway.
#
#   web/build.sh OUT_DIR
#
# OUT_DIR/index.html loads OUT_DIR/assets/<version>/..., where <version> is
# a digest of the sources: the assets can be cached for a year (their URL
# changes with any change), index.html is revalidated on every load. The
# sources are plain ES modules and CSS; nothing is fetched from elsewhere.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$here/src
out=${1:?usage: web/build.sh OUT_DIR}

version=$(cd "$src" && find . -type f ! -name index.html -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum | sha256sum | cut -c1-12)

rm -rf "$out"
mkdir -p "$out/assets/$version"
(cd "$src" && find . -type f ! -name index.html -exec cp --parents {} "$out/assets/$version/" \;)
sed -e "s|href=\"app.css\"|href=\"assets/$version/app.css\"|" \
    -e "s|src=\"app.js\"|src=\"assets/$version/app.js\"|" \
    "$src/index.html" >"$out/index.html"
grep -q "assets/$version/app.js" "$out/index.html" || {
    echo "web/build.sh: index.html does not load app.js" >&2
    exit 1
}
chmod -R a+rX "$out"
echo "web console built in $out (assets/$version)"
