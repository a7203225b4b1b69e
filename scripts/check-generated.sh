#!/usr/bin/env bash
# Fails when the sqlc-generated code in gen/queries does not match sqlc.yaml,
# queries/ and migrations/, or when the queries compile differently against
# another engine's schema (run from anywhere inside the repository).
# sqlc is pinned in tools/go.mod; its first build takes a minute or two.
set -euo pipefail
cd "$(dirname "$0")/.."
sqlc() { CGO_ENABLED=0 go tool -modfile=tools/go.mod sqlc "$@"; }
if ! sqlc diff; then
	echo "gen/ is stale: run 'go generate ./gen' and commit the result" >&2
	exit 1
fi
echo "gen/ is up to date"

# The same queries against every other engine's schema
# (scripts/sqlc-engines.yaml) must give the same code.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r queries migrations "$scratch/"
cp scripts/sqlc-engines.yaml "$scratch/sqlc.yaml"
sqlc generate -f "$scratch/sqlc.yaml"
for out in "$scratch"/out/*; do
	engine="$(basename "$out")"
	if ! diff -r -u gen/queries "$out" >&2; then
		echo "queries/ compile differently against the $engine schema (see the diff above)" >&2
		exit 1
	fi
	echo "queries/ compile alike against the $engine schema"
done

# Protobuf code (gen/mlmdpb, gen/python) from proto/: see scripts/genproto.sh.
./scripts/genproto.sh --check
