// Command mlmd-gen generates typed Go wrappers for MLMD types, declared in
// YAML files or registered in a store:
//
//	mlmd-gen -o mlmd_types.go types.yaml
//	mlmd-gen -o mlmd_types.go -dsn file:mlmd.db -types DataSet,Trainer
//
// Use it from a go:generate line:
//
//	//go:generate go run github.com/gomlmd/gomlmd/cmd/mlmd-gen -o mlmd_types.go types.yaml
//
// Run mlmd-gen -h for the flags; package github.com/gomlmd/gomlmd/mlmdgen
// documents the declaration format and the generated code.
package main

import (
	"context"
	"os"

	// The backends -driver may name.
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore"
	"github.com/gomlmd/gomlmd/mlmdgen"
)

func main() {
	os.Exit(mlmdgen.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
