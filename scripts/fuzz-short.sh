#!/usr/bin/env bash
# Runs every Go fuzz target of the repository for a short, bounded time
# (FUZZTIME, default 15s each). A crash fails the run; go test writes the
# failing input under the package's testdata/fuzz, where it becomes a
# regression case once committed.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-15s}"
found=0
while IFS=: read -r file _ line; do
	pkg="./$(dirname "$file")"
	name="$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"$line")"
	echo "fuzz $pkg $name ($fuzztime)"
	go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg"
	found=$((found + 1))
done < <(git grep -n -E '^func Fuzz[A-Za-z0-9_]*\(' -- '*_test.go')
if [ "$found" -eq 0 ]; then
	echo "no fuzz targets found" >&2
	exit 1
fi
