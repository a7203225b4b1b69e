#!/usr/bin/env bash
# Fails when the sqlc-generated code in gen/ does not match sqlc.yaml,
# queries/ and migrations/ (run from anywhere inside the repository).
# sqlc is pinned in tools/go.mod; its first build takes a minute or two.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! CGO_ENABLED=0 go tool -modfile=tools/go.mod sqlc diff; then
	echo "gen/ is stale: run 'go generate ./gen' and commit the result" >&2
	exit 1
fi
echo "gen/ is up to date"

# Protobuf code (gen/mlmdpb, gen/python) from proto/: see scripts/genproto.sh.
./scripts/genproto.sh --check
