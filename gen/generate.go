// Package gen holds the code that sqlc generates from queries/*.sql, one
// package per database engine: gen/sqlite and gen/mysql. Nothing in these
// packages is edited by hand; internal/sqlstore and the backend packages
// (mlmd/sqlitestore, mlmd/mysqlstore) adapt them to the driver interface.
//
// Regenerate after changing sqlc.yaml, queries/ or migrations/ with
//
//	go generate ./gen
//
// and check that the committed code is current with scripts/check-generated.sh.
package gen

//go:generate env CGO_ENABLED=0 go tool -modfile=../tools/go.mod sqlc generate -f ../sqlc.yaml
