package main

import (
	"context"
	"os"
	"testing"
)

// BenchmarkPairs runs every pair as sub-benchmarks "<op>/store" and
// "<op>/raw" on SQLite (or on MLMD_BENCH_DRIVER / MLMD_BENCH_DSN).
// Compare them with benchstat, or run `go run ./bench` for the ratios.
func BenchmarkPairs(b *testing.B) {
	driverName := os.Getenv("MLMD_BENCH_DRIVER")
	if driverName == "" {
		driverName = "sqlite"
	}
	e, err := newEnv(context.Background(), driverName, os.Getenv("MLMD_BENCH_DSN"))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	for _, p := range pairs() {
		b.Run(p.name+"/store", func(b *testing.B) { p.store(b, e) })
		b.Run(p.name+"/raw", func(b *testing.B) { p.raw(b, e) })
	}
}
