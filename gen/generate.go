// Package gen holds generated code: gen/queries, the engine-neutral
// queries that sqlc generates from queries/*.sql (plain ? placeholders,
// which every SQL backend runs through internal/sqlstore), and the
// protobuf code in gen/mlmdpb. Nothing in these packages is edited by hand.
//
// Regenerate after changing sqlc.yaml, queries/ or migrations/ with
//
//	go generate ./gen
//
// and check that the committed code is current with scripts/check-generated.sh.
package gen

//go:generate env CGO_ENABLED=0 go tool -modfile=../tools/go.mod sqlc generate -f ../sqlc.yaml
