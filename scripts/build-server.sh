#!/usr/bin/env bash
# Builds static mlmd-server binaries (CGO_ENABLED=0) for linux/amd64 and
# linux/arm64 into dist/ (or the directory given as $1):
#
#   scripts/build-server.sh            -> dist/mlmd-server-linux-amd64, dist/mlmd-server-linux-arm64
#   PLATFORMS="linux/arm64" scripts/build-server.sh out/
#
# The binaries need no libc and run in a scratch or distroless image.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-dist}"
platforms="${PLATFORMS:-linux/amd64 linux/arm64}"
version="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
mkdir -p "$out"
for p in $platforms; do
	os="${p%/*}"
	arch="${p#*/}"
	bin="$out/mlmd-server-$os-$arch"
	echo "building $bin ($version)"
	CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" \
		go build -trimpath -ldflags="-s -w -X main.version=$version" -o "$bin" ./cmd/mlmd-server
done
