// Command bench measures gomlmd against the raw-SQL bound: each operation
// runs through the mlmd.Store and, in the same process on the same
// database, as hand-written SQL that reads or writes exactly the same rows
// in one transaction. It prints each pair and their ratio (store time /
// raw time; 1.0 would be "no overhead at all").
//
//	go run ./bench                                   # SQLite file in a temp dir
//	go run ./bench -driver mysql -dsn 'root@tcp(127.0.0.1:3306)/'
//	go run ./bench -driver postgres -dsn 'postgres://root@127.0.0.1:5432/postgres?sslmode=disable'
//
// The same pairs run as Go benchmarks: go test -bench . ./bench
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"sort"
	"strings"
	"testing"
)

func main() {
	// testing.Benchmark outside go test: a benchmark that fails reports
	// its error (and N = 0) instead of crashing in the testing package.
	testing.Init()
	driverName := flag.String("driver", "sqlite", "backend: sqlite, mysql or postgres")
	dsn := flag.String("dsn", "", "mysql, postgres: server DSN (a fresh database is created and dropped); sqlite: ignored")
	filter := flag.String("run", "", "only run pairs whose name contains this")
	flag.Parse()

	ctx := context.Background()
	env, err := newEnv(ctx, *driverName, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()

	fmt.Printf("%-36s %14s %14s %8s\n", "operation ("+*driverName+")", "store ns/op", "raw SQL ns/op", "ratio")
	for _, p := range pairs() {
		if !strings.Contains(p.name, *filter) {
			continue
		}
		store := testing.Benchmark(func(b *testing.B) { p.store(b, env) })
		raw := testing.Benchmark(func(b *testing.B) { p.raw(b, env) })
		if store.N == 0 || raw.N == 0 {
			fmt.Fprintf(os.Stderr, "%s: benchmark failed (see above)\n", p.name)
			os.Exit(1)
		}
		fmt.Printf("%-36s %14d %14d %8.2f%s\n", p.name, store.NsPerOp(), raw.NsPerOp(),
			float64(store.NsPerOp())/float64(raw.NsPerOp()), extraMetrics(store, raw))
	}
}

// extraMetrics formats the metrics a pair reports beyond time (e.g.
// statements per call, see lineage.go), store's then raw's.
func extraMetrics(store, raw testing.BenchmarkResult) string {
	var out string
	for _, r := range []struct {
		who string
		res testing.BenchmarkResult
	}{{"store", store}, {"raw", raw}} {
		names := make([]string, 0, len(r.res.Extra))
		for name := range r.res.Extra {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			out += fmt.Sprintf("  %s %s=%.4g", r.who, name, r.res.Extra[name])
		}
	}
	return out
}
