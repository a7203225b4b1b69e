#!/usr/bin/env bash
# Generates the Go and Python code for the protos under proto/.
#
#   scripts/genproto.sh           regenerate gen/mlmdpb and gen/python
#   scripts/genproto.sh --check   regenerate into a temporary directory and
#                                 fail (exit 1) if the committed output differs
#
# Needs protoc and grpc_python_plugin (Debian: protobuf-compiler,
# protobuf-compiler-grpc). The Go plugins are pinned in tools/proto/go.mod and
# run through `go tool`, so nothing is installed into GOPATH/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

check=0
case "${1:-}" in
--check) check=1 ;;
"") ;;
*) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

command -v protoc >/dev/null || { echo "genproto: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }
grpc_py="$(command -v grpc_python_plugin || true)"
[ -n "$grpc_py" ] || { echo "genproto: grpc_python_plugin not found (apt-get install protobuf-compiler-grpc)" >&2; exit 1; }

gen_go="$(go tool -modfile="$root/tools/proto/go.mod" -n protoc-gen-go)"
gen_go_grpc="$(go tool -modfile="$root/tools/proto/go.mod" -n protoc-gen-go-grpc)"

out="$root"
if [ "$check" = 1 ]; then
	out="$(mktemp -d)"
	trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out/gen/mlmdpb" "$out/gen/adminpb" "$out/gen/python"

includes=(-I proto)
[ -d /usr/include/google/protobuf ] && includes+=(-I /usr/include)
protos=(ml_metadata/proto/metadata_store.proto ml_metadata/proto/metadata_store_service.proto)

# Go: go_package in the protos names github.com/gomlmd/gomlmd/gen/mlmdpb;
# module= strips the module prefix so the files land in gen/mlmdpb.
protoc "${includes[@]}" \
	--plugin=protoc-gen-go="$gen_go" --plugin=protoc-gen-go-grpc="$gen_go_grpc" \
	--go_out="$out" --go_opt=module=github.com/gomlmd/gomlmd \
	--go-grpc_out="$out" --go-grpc_opt=module=github.com/gomlmd/gomlmd \
	"${protos[@]}"

# gomlmd's own admin service (Go only): gen/adminpb.
protoc "${includes[@]}" \
	--plugin=protoc-gen-go="$gen_go" --plugin=protoc-gen-go-grpc="$gen_go_grpc" \
	--go_out="$out" --go_opt=module=github.com/gomlmd/gomlmd \
	--go-grpc_out="$out" --go-grpc_opt=module=github.com/gomlmd/gomlmd \
	gomlmd/admin/v1/admin.proto

# Python: modules ml_metadata.proto.metadata_store_pb2 and friends, the names
# MLMD's own client imports.
rm -rf "$out/gen/python/ml_metadata"
protoc "${includes[@]}" \
	--plugin=protoc-gen-grpc_python="$grpc_py" \
	--python_out="$out/gen/python" --grpc_python_out="$out/gen/python" \
	"${protos[@]}"

if [ "$check" = 1 ]; then
	status=0
	for f in gen/mlmdpb/metadata_store.pb.go gen/mlmdpb/metadata_store_service.pb.go \
		gen/mlmdpb/metadata_store_service_grpc.pb.go gen/adminpb/admin.pb.go gen/adminpb/admin_grpc.pb.go; do
		diff -u "$root/$f" "$out/$f" >/dev/null 2>&1 || { echo "stale: $f" >&2; status=1; }
	done
	if ! diff -r "$root/gen/python/ml_metadata" "$out/gen/python/ml_metadata" >/dev/null 2>&1; then
		echo "stale: gen/python/ml_metadata" >&2
		status=1
	fi
	if [ "$status" != 0 ]; then
		echo "genproto: generated code is out of date; run scripts/genproto.sh" >&2
		exit 1
	fi
	echo "genproto: generated code is up to date"
fi
