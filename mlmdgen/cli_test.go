package mlmdgen

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // registers the "sqlite" backend
)

// storeDecl declares what a store can hold: no go_name and no optional
// properties, which a store does not record.
const storeDecl = `
artifact_types:
  - name: DataSet
    description: Daily data.
    base_type: DATASET
    properties: {day: int, split: string, stats: struct}
  - {name: Model, version: v2, external_id: model-v2, properties: {acc: double, blob: proto, ok: bool}}
execution_types:
  - {name: Trainer, base_type: TRAIN, properties: {epochs: int}}
context_types:
  - {name: Experiment, properties: {note: string}}
`

// registerSpec puts the types of spec into s with the untyped API.
func registerSpec(t *testing.T, s *mlmd.Store, spec *Spec) {
	t.Helper()
	ctx := context.Background()
	for _, d := range spec.Types {
		props := map[string]mlmd.PropertyType{}
		for _, p := range d.Properties {
			props[p.Name] = p.Type
		}
		var err error
		switch d.Kind {
		case mlmd.KindArtifact:
			_, err = s.PutArtifactType(ctx, mlmd.ArtifactType{Name: d.Name, Version: d.Version, Description: d.Description,
				ExternalID: d.ExternalID, BaseType: d.ArtifactBase, Properties: props}, nil)
		case mlmd.KindExecution:
			_, err = s.PutExecutionType(ctx, mlmd.ExecutionType{Name: d.Name, Version: d.Version, Description: d.Description,
				ExternalID: d.ExternalID, BaseType: d.ExecutionBase, Properties: props}, nil)
		default:
			_, err = s.PutContextType(ctx, mlmd.ContextType{Name: d.Name, Version: d.Version, Description: d.Description,
				ExternalID: d.ExternalID, Properties: props}, nil)
		}
		if err != nil {
			t.Fatalf("register %s: %v", d.label(), err)
		}
	}
}

// newStoreFile returns the path of a SQLite store holding storeDecl's types.
func newStoreFile(t *testing.T) (string, *Spec) {
	t.Helper()
	spec, err := ParseYAML("store.yaml", []byte(storeDecl))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "mlmd.db")
	s, err := mlmd.Open(context.Background(), "sqlite", "file:"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	registerSpec(t, s, spec)
	return path, spec
}

// TestFromStore checks that the types read back from a store generate the
// same code as their declaration.
func TestFromStore(t *testing.T) {
	ctx := context.Background()
	path, spec := newStoreFile(t)
	s, err := mlmd.Open(ctx, "sqlite", "file:"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// A type that is not selected below.
	if _, err := s.PutContextType(ctx, mlmd.ContextType{Name: "Other"}, nil); err != nil {
		t.Fatal(err)
	}
	fromStore, err := FromStore(ctx, s, []string{"Experiment", "Model", "DataSet", "Trainer"})
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate(spec, Options{Package: "p"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generate(fromStore, Options{Package: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("code from the store differs from code from the declaration:\n%s", lineDiff(string(want), string(got)))
	}

	all, err := FromStore(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range all.Types {
		names = append(names, d.Kind.String()+":"+d.Name)
	}
	if got := strings.Join(names, " "); got != "artifact:DataSet artifact:Model execution:Trainer context:Experiment context:Other" {
		t.Errorf("all types: %s", got)
	}

	_, err = FromStore(ctx, s, []string{"Model", "Nope", "Absent"})
	if err == nil || err.Error() != `the store has no type named "Absent", "Nope"` {
		t.Errorf("missing names: %v", err)
	}
	empty, err := mlmd.Open(ctx, "sqlite", ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if _, err := FromStore(ctx, empty, nil); err == nil || err.Error() != "the store has no types" {
		t.Errorf("empty store: %v", err)
	}
}

func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Main(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestMainDSN(t *testing.T) {
	path, spec := newStoreFile(t)
	code, out, errOut := runMain(t, "-pkg", "p", "-o", "-", "-dsn", "file:"+path, "-types", "DataSet, Model,Trainer,Experiment")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want, err := Generate(spec, Options{Package: "p", Args: []string{"-pkg", "p", "-o", "-", "-dsn", "file:" + path, "-types", "DataSet, Model,Trainer,Experiment"}})
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("mlmd-gen -dsn output differs:\n%s", lineDiff(string(want), out))
	}

	// A database without MLMD's schema is not changed, and is an error.
	plain := filepath.Join(t.TempDir(), "plain.db")
	code, _, errOut = runMain(t, "-pkg", "p", "-o", "-", "-dsn", "file:"+plain)
	if code != 1 || !strings.HasPrefix(errOut, "mlmd-gen: ") {
		t.Errorf("non-MLMD database: exit %d, %q", code, errOut)
	}
	code, _, errOut = runMain(t, "-pkg", "p", "-o", "-", "-driver", "nosuch", "-dsn", "x")
	if code != 1 || !strings.Contains(errOut, `unknown driver "nosuch"`) {
		t.Errorf("unknown driver: exit %d, %q", code, errOut)
	}
}

func TestMainFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.yaml", "artifact_types: [{name: A}]\n")
	b := write("b.yaml", "context_types: [{name: B}]\n")
	bad := write("bad.yaml", "artifact_types: [{name: A, base_type: NOPE}]\n")
	dup := write("dup.yaml", "artifact_types: [{name: A}]\n")

	// Several files make one package.
	out := filepath.Join(dir, "wrappers.go")
	if code, _, errOut := runMain(t, "-pkg", "w", "-o", out, a, b); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	src, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"// Code generated by mlmd-gen -pkg w -o " + out + " " + a + " " + b + "; DO NOT EDIT.\n",
		"\npackage w\n", "\ntype A struct {", "\ntype B struct {"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// Regenerating the same file leaves it alone.
	old := time.Unix(1e9, 0)
	if err := os.Chtimes(out, old, old); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runMain(t, "-pkg", "w", "-o", out, a, b); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if fi, err := os.Stat(out); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("unchanged output was rewritten: %v, %v", fi.ModTime(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".mlmd-gen-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	for _, tc := range []struct {
		name    string
		args    []string
		env     string // $GOPACKAGE
		code    int
		stdout  string
		stderr  string // the first line
		noWrite bool
	}{
		{name: "no input", args: nil, code: 2, stderr: "mlmd-gen: no declaration file and no -dsn"},
		{name: "files and dsn", args: []string{"-dsn", "x", a}, code: 2, stderr: "mlmd-gen: give declaration files or -dsn, not both"},
		{name: "types without dsn", args: []string{"-types", "A", a}, code: 2, stderr: "mlmd-gen: -types needs -dsn"},
		{name: "unknown flag", args: []string{"-x", a}, code: 2, stderr: "flag provided but not defined: -x"},
		{name: "help", args: []string{"-h"}, code: 0, stderr: "usage: mlmd-gen [flags] types.yaml [more.yaml ...]"},
		{name: "bad declaration", args: []string{"-pkg", "p", "-o", "-", bad}, code: 1,
			stderr: "mlmd-gen: " + bad + `:1:39: artifact type "A": unknown base type "NOPE" (want DATASET, MODEL, METRICS or STATISTICS)`},
		{name: "missing file", args: []string{"-pkg", "p", "-o", "-", filepath.Join(dir, "none.yaml")}, code: 1,
			stderr: "mlmd-gen: open " + filepath.Join(dir, "none.yaml") + ": no such file or directory"},
		{name: "declared twice across files", args: []string{"-pkg", "p", "-o", "-", a, dup}, code: 1,
			stderr: "mlmd-gen: " + dup + `:1:18: artifact type "A" is declared twice (first at ` + a + ":1:18)"},
		{name: "package from GOPACKAGE", args: []string{"-o", "-", a}, env: "fromenv", code: 0, stdout: "package fromenv\n"},
		{name: "package from the directory", args: []string{"-o", filepath.Join(dir, "sub", "gen_pkg", "x.go"), a}, code: 0, noWrite: true},
		{name: "directory is not a package name", args: []string{"-o", filepath.Join(dir, "my-dir", "x.go"), a}, code: 1,
			stderr: `mlmd-gen: cannot use directory name "my-dir" as the package name; set -pkg`},
		{name: "bad -pkg", args: []string{"-pkg", "a.b", "-o", "-", a}, code: 1, stderr: `mlmd-gen: package name "a.b" is not a Go identifier`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOPACKAGE", tc.env)
			if tc.noWrite {
				if err := os.MkdirAll(filepath.Join(dir, "sub", "gen_pkg"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := runMain(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if first, _, _ := strings.Cut(stderr, "\n"); first != tc.stderr {
				t.Errorf("stderr starts %q, want %q", first, tc.stderr)
			}
			if tc.stdout != "" && !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q", tc.stdout)
			}
			if tc.noWrite {
				src, err := os.ReadFile(filepath.Join(dir, "sub", "gen_pkg", "x.go"))
				if err != nil || !bytes.Contains(src, []byte("\npackage gen_pkg\n")) {
					t.Errorf("package from the directory: %v", err)
				}
			}
		})
	}
}

func TestHeaderArgs(t *testing.T) {
	for _, tc := range []struct {
		driver string
		args   []string
		want   string
	}{
		{"sqlite", []string{"-dsn", "file:a@b:c.db"}, "-dsn file:a@b:c.db"},
		{"mysql", []string{"-dsn", "root:secret@tcp(127.0.0.1:3306)/mlmd", "-o", "x.go"}, "-dsn root:xxxxx@tcp(127.0.0.1:3306)/mlmd -o x.go"},
		{"mysql", []string{"--dsn=user:pw@/db"}, "--dsn=user:xxxxx@/db"},
		{"mysql", []string{"-dsn=mysql://u:p@host/db"}, "-dsn=mysql://u:xxxxx@host/db"},
		{"mysql", []string{"-dsn", "root@tcp(h)/db"}, "-dsn root@tcp(h)/db"},
		{"mysql", []string{"-o", "dsn", "-dsn"}, "-o dsn -dsn"},
	} {
		if got := strings.Join(headerArgs(tc.args, tc.driver), " "); got != tc.want {
			t.Errorf("headerArgs(%q, %s) = %q, want %q", tc.args, tc.driver, got, tc.want)
		}
	}
}
