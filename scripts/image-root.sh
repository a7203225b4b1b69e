#!/usr/bin/env bash
# Builds the root file system of the mlmd-server container image into DIR,
# for the platform GOOS/GOARCH (default: linux and this machine's arch):
#
#   DIR/mlmd-server                        the static binary (scripts/build-server.sh)
#   DIR/bin/metadata_store_server          -> /mlmd-server, the path of MLMD's image
#   DIR/etc/ssl/certs/ca-certificates.crt  CA roots for MySQL over TLS (if the build host has them)
#   DIR/tmp                                mode 1777, for SQLite's temporary files
#
# The Dockerfile runs it in its build stage and copies DIR into an empty
# (scratch) image; the image test runs the same script and starts the
# binary chrooted into DIR as user 65532.
#
#   scripts/image-root.sh /tmp/rootfs
#   GOARCH=arm64 VERSION=v1.2.3 scripts/image-root.sh out/rootfs
set -euo pipefail
cd "$(dirname "$0")/.."

root="${1:?usage: scripts/image-root.sh DIR}"
os="${GOOS:-linux}"
arch="${GOARCH:-$(go env GOARCH)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

PLATFORMS="$os/$arch" scripts/build-server.sh "$work" >/dev/null
install -d -m 0755 "$root" "$root/bin" "$root/etc" "$root/etc/ssl" "$root/etc/ssl/certs"
install -d -m 1777 "$root/tmp"
install -m 0755 "$work/mlmd-server-$os-$arch" "$root/mlmd-server"
ln -sfn /mlmd-server "$root/bin/metadata_store_server"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
	install -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
fi
