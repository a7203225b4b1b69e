#!/usr/bin/env bash
# Fails when the committed web explorer bundle (server/explorer/assets) is not
# what web/build.mjs builds from web/src and the pinned npm packages. Needs
# `npm ci` in web/ first.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d web/node_modules/esbuild ] || { echo "FATAL: web/node_modules missing; run (cd web && npm ci)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
node web/build.mjs "$tmp"
if ! diff -r server/explorer/assets "$tmp" >/dev/null; then
	echo "FATAL: server/explorer/assets is stale; run: node web/build.mjs && git add server/explorer/assets" >&2
	diff -rq server/explorer/assets "$tmp" >&2 || true
	exit 1
fi
echo "explorer bundle is up to date"
