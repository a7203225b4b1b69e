package sqlitestore

import (
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

func TestConnString(t *testing.T) {
	tests := []struct {
		dsn      string
		name     string
		memory   bool
		pragmas  []string
		txlock   string
		extra    map[string]string
		wantCode bool // true: the DSN is refused
	}{
		{dsn: ":memory:", name: ":memory:", memory: true, pragmas: []string{"busy_timeout(10000)"}, txlock: "immediate"},
		{dsn: "file::memory:", name: "file::memory:", memory: true, pragmas: []string{"busy_timeout(10000)"}, txlock: "immediate"},
		{dsn: "file:a.db?mode=memory&cache=shared", name: "file:a.db", memory: true, pragmas: []string{"busy_timeout(10000)"}, txlock: "immediate",
			extra: map[string]string{"mode": "memory", "cache": "shared"}},
		{dsn: "file:dir/mlmd.db", name: "file:dir/mlmd.db", pragmas: []string{"busy_timeout(10000)", "journal_mode(WAL)"}, txlock: "immediate"},
		{dsn: "/abs/mlmd.db", name: "/abs/mlmd.db", pragmas: []string{"busy_timeout(10000)", "journal_mode(WAL)"}, txlock: "immediate"},
		{dsn: "file:m.db?_pragma=busy_timeout(5)&_txlock=deferred&_pragma=journal_mode(DELETE)", name: "file:m.db",
			pragmas: []string{"busy_timeout(5)", "journal_mode(DELETE)"}, txlock: "deferred"},
		{dsn: "file:m.db?_busy_timeout=7", name: "file:m.db", pragmas: []string{"journal_mode(WAL)"}, txlock: "immediate",
			extra: map[string]string{"_busy_timeout": "7"}},
		{dsn: "file:m.db?mode=ro", name: "file:m.db", pragmas: []string{"busy_timeout(10000)"}, txlock: "immediate",
			extra: map[string]string{"mode": "ro", "_query_only": "1"}},
		{dsn: "file:m.db?allow_foreign_tables=true", name: "file:m.db", pragmas: []string{"busy_timeout(10000)", "journal_mode(WAL)"}, txlock: "immediate",
			extra: map[string]string{"allow_foreign_tables": ""}},
		{dsn: "", wantCode: true},
		{dsn: "file:", wantCode: true},
		{dsn: "file:x.db?a=%zz", wantCode: true},
	}
	for _, tc := range tests {
		t.Run(tc.dsn, func(t *testing.T) {
			got, memory, err := connString(tc.dsn)
			if tc.wantCode {
				if err == nil {
					t.Fatalf("connString(%q) = %q, want an error", tc.dsn, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			name, rawQuery, _ := strings.Cut(got, "?")
			q, err := url.ParseQuery(rawQuery)
			if err != nil {
				t.Fatal(err)
			}
			pragmas := slices.Sorted(slices.Values(q["_pragma"]))
			if name != tc.name || memory != tc.memory || !slices.Equal(pragmas, tc.pragmas) || q.Get("_txlock") != tc.txlock {
				t.Errorf("connString(%q) = %q (memory %v), want name %q memory %v pragmas %v txlock %q",
					tc.dsn, got, memory, tc.name, tc.memory, tc.pragmas, tc.txlock)
			}
			for k, v := range tc.extra {
				if q.Get(k) != v {
					t.Errorf("parameter %s = %q, want %q", k, q.Get(k), v)
				}
			}
		})
	}
}

// TestOpen checks the typed constructor: a store of the file, with the
// options applied, and the DSN's errors with their codes.
func TestOpen(t *testing.T) {
	ctx := t.Context()
	path := "file:" + filepath.Join(t.TempDir(), "typed.db")
	now := time.UnixMilli(1_234_000)
	s, err := Open(ctx, path, &mlmd.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	typeID, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "T"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: typeID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetArtifactsByID(ctx, ids)
	if err != nil || len(got) != 1 || got[0].CreateTimeSinceEpoch != now.UnixMilli() {
		t.Fatalf("artifact %+v, %v: want one, created at the store clock", got, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The same file through the registry sees the artifact.
	again, err := mlmd.Open(ctx, "sqlite", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got, err := again.GetArtifactsByID(ctx, ids); err != nil || len(got) != 1 {
		t.Fatalf("reopened: %+v, %v", got, err)
	}
	if _, err := Open(ctx, "", nil); errcode.Of(err) != errcode.InvalidArgument {
		t.Errorf("empty DSN: %v, want InvalidArgument", err)
	}
}
