package sqlitestore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// fileWithTables makes a SQLite file holding the given CREATE statements.
func fileWithTables(t *testing.T, stmts ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// emptyFile makes an empty file, which SQLite reads as an empty database.
func emptyFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenErrors opens files that are not MLMD databases, or cannot be:
// each is refused at once with the code of its cause and a message that
// says what is wrong.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("this is not a database\n", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := fileWithTables(t, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", "CREATE TABLE orders (id INTEGER)")
	tests := []struct {
		name string
		dsn  string
		code errcode.Code
		msg  string
	}{
		{"missing directory", "file:" + filepath.Join(dir, "no", "such", "x.db"), errcode.NotFound, "directory does not exist"},
		{"not a database", "file:" + garbage, errcode.FailedPrecondition, "not a SQLite database"},
		{"not a database, read-only", "file:" + garbage + "?mode=ro", errcode.FailedPrecondition, "not a SQLite database"},
		{"foreign tables", "file:" + foreign, errcode.FailedPrecondition, "other tables (orders, users) and none of MLMD's"},
		{"read-only, missing file", "file:" + filepath.Join(dir, "absent.db") + "?mode=ro", errcode.NotFound, "does not exist"},
		{"read-only, empty file", "file:" + emptyFile(t) + "?mode=ro", errcode.FailedPrecondition, "no MLMD schema"},
		{"bad allow_foreign_tables", "file:" + foreign + "?allow_foreign_tables=perhaps", errcode.InvalidArgument, "not a boolean"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := mlmd.Open(context.Background(), "sqlite", tc.dsn, nil)
			if err == nil {
				s.Close()
			}
			if mlmd.CodeOf(err) != tc.code || !strings.Contains(fmt.Sprint(err), tc.msg) {
				t.Fatalf("Open: %v (code %v), want %v saying %q", err, mlmd.CodeOf(err), tc.code, tc.msg)
			}
		})
	}
	t.Run("foreign tables allowed", func(t *testing.T) {
		s, err := mlmd.Open(context.Background(), "sqlite", "file:"+foreign+"?allow_foreign_tables=true", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.PutArtifactType(context.Background(), mlmd.ArtifactType{Name: "T"}, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("foreign tables next to MLMD's are fine", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "mlmd.db")
		s, err := mlmd.Open(context.Background(), "sqlite", "file:"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("CREATE TABLE notes (x TEXT)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		s, err = mlmd.Open(context.Background(), "sqlite", "file:"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	})
}

// readOnlyChildEnv makes the test binary act as the unprivileged reader of
// TestReadOnlyUnprivileged: it opens the DSN in the variable, reads, tries
// to write, and prints a readOnlyReport.
const readOnlyChildEnv = "GOMLMD_SQLITE_READONLY_CHILD"

type readOnlyReport struct {
	UID       int
	Types     []string
	ReadErr   string
	WriteCode string
	WriteErr  string
}

func TestMain(m *testing.M) {
	if dsn := os.Getenv(readOnlyChildEnv); dsn != "" {
		os.Exit(readOnlyChild(dsn, os.Stdout))
	}
	os.Exit(m.Run())
}

func readOnlyChild(dsn string, out io.Writer) int {
	r := readOnlyReport{UID: os.Getuid()}
	ctx := context.Background()
	s, err := mlmd.Open(ctx, "sqlite", dsn, &mlmd.Options{SkipMigrations: true})
	if err != nil {
		r.ReadErr = err.Error()
	} else {
		defer s.Close()
		types, err := s.GetArtifactTypes(ctx)
		if err != nil {
			r.ReadErr = err.Error()
		}
		for _, ty := range types {
			r.Types = append(r.Types, ty.Name)
		}
		_, err = s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "NewType"}, nil)
		r.WriteCode, r.WriteErr = mlmd.CodeOf(err).String(), fmt.Sprint(err)
	}
	if err := json.NewEncoder(out).Encode(r); err != nil {
		return 1
	}
	return 0
}

// TestReadOnlyUnprivileged makes a store file, closes it, makes it and its
// directory read-only, and opens it with mode=ro (MLMD's connection_mode
// READONLY) as the unprivileged user nobody (uid 65534): reads work,
// writes are refused with FailedPrecondition, and the file is unchanged.
func TestReadOnlyUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("this test runs a child as another user and needs root")
		}
		t.Skip("this test runs a child as another user and needs root")
	}
	// A directory of our own under /tmp, reachable by nobody.
	dir, err := os.MkdirTemp("", "mlmd-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700); os.RemoveAll(dir) })
	path := filepath.Join(dir, "mlmd.db")
	for _, journal := range []string{"WAL", "DELETE"} {
		t.Run(journal, func(t *testing.T) {
			os.Chmod(dir, 0o755)
			os.Remove(path)
			s, err := mlmd.Open(context.Background(), "sqlite", "file:"+path+"?_pragma=journal_mode("+journal+")", nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.PutArtifactType(context.Background(), mlmd.ArtifactType{Name: "Stored"}, nil); err != nil {
				t.Fatal(err)
			}
			s.Close()
			// The test binary, where nobody can run it.
			exe, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			bin, err := os.ReadFile(exe)
			if err != nil {
				t.Fatal(err)
			}
			child := filepath.Join(dir, "child.test")
			if err := os.WriteFile(child, bin, 0o755); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o444); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(child)
			cmd.Env = append(os.Environ(), readOnlyChildEnv+"=file:"+path+"?mode=ro")
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			var r readOnlyReport
			if err := json.Unmarshal(out, &r); err != nil {
				t.Fatalf("child said %q: %v", out, err)
			}
			if r.UID != 65534 {
				t.Fatalf("child ran as uid %d", r.UID)
			}
			if r.ReadErr != "" || !strings.Contains(strings.Join(r.Types, ","), "Stored") {
				t.Errorf("read-only open and read: types %v, error %q", r.Types, r.ReadErr)
			}
			if r.WriteCode != "FailedPrecondition" || !strings.Contains(r.WriteErr, "read-only") {
				t.Errorf("write on a read-only store: %s %q, want FailedPrecondition saying read-only", r.WriteCode, r.WriteErr)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(after) != string(before) {
				t.Errorf("the read-only file changed")
			}
		})
	}
}
