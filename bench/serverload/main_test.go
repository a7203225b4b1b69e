package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/internal/testdb"
)

// TestSmallLoad runs a small load on SQLite and on MariaDB (the test server
// of internal/testdb, MLMD_MYSQL_DSN; skipped without one, except in CI) and
// checks that every call succeeded and every method of the workload was
// measured.
func TestSmallLoad(t *testing.T) {
	for _, c := range []config{{backend: "sqlite"}, {backend: "sqlite", direct: true}, {backend: "sqlite", names: true}, {backend: "mysql"}} {
		name := c.backend
		if c.direct {
			name += "-direct"
		}
		if c.names {
			name += "-names"
		}
		t.Run(name, func(t *testing.T) {
			if c.backend == "mysql" {
				c.dsn = testdb.MySQLServer(t).FormatDSN()
			}
			c.clients, c.tasks, c.runs, c.duration = 4, 3, 2, time.Minute
			rep, err := run(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			if rep.runs != 8 {
				t.Errorf("%d runs, want 8", rep.runs)
			}
			for m, n := range rep.errors {
				t.Errorf("%s: %d errors", m, n)
			}
			for _, m := range []string{"GetContextByTypeAndName", "PutContexts", "PutParentContexts", "PutExecutionType",
				"PutExecution", "PutArtifactType", "PutArtifacts", "GetExecutionsByContext", "GetArtifactsByID"} {
				if len(rep.calls[m]) == 0 {
					t.Errorf("no %s calls measured", m)
				}
			}
			var b strings.Builder
			rep.print(&b)
			if !strings.Contains(b.String(), "calls/s") || !strings.Contains(b.String(), "PutExecution") {
				t.Errorf("report:\n%s", b.String())
			}
			t.Log("\n" + b.String())
		})
	}
}

func TestBadConfig(t *testing.T) {
	for _, c := range []config{
		{backend: "sqlite", clients: 0, tasks: 1, duration: time.Second},
		{backend: "oracle", clients: 1, tasks: 1, duration: time.Second},
		{addr: "10.0.0.1:8080", clients: 1, tasks: 1, duration: time.Second},
		{backend: "mysql", clients: 1, tasks: 1, duration: time.Second},
	} {
		if _, err := run(context.Background(), c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func TestRatios(t *testing.T) {
	a := &report{elapsed: time.Second, calls: map[string][]time.Duration{"X": {2 * time.Millisecond, 4 * time.Millisecond}}}
	b := &report{elapsed: time.Second, calls: map[string][]time.Duration{"X": {time.Millisecond, 2 * time.Millisecond}}}
	var out strings.Builder
	printRatios(&out, a, b)
	if got, want := out.String(), "gRPC / in-process: calls/s 1.00, p50 2.00, p99 2.00\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
