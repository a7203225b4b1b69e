package mlmdgen

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEnd generates wrappers with the command-line entry point into a
// temporary package tree inside this module (so that the build needs
// nothing beyond the module's own dependencies), compiles and vets every
// golden output, and runs each testdata/e2e/<case>_test.go.in against the
// wrappers of testdata/<case>.yaml on SQLite.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs generated code")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	dir, err := os.MkdirTemp("testdata", "e2e-run-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })

	// kinds: through Main, with the test program next to it.
	kinds := filepath.Join(dir, "kinds")
	if err := os.Mkdir(kinds, 0o755); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	out := filepath.Join(kinds, "mlmd_types.go")
	if code := Main(context.Background(), []string{"-pkg", "kinds", "-o", out, "testdata/kinds.yaml"}, &stdout, &stderr); code != 0 {
		t.Fatalf("mlmd-gen exited %d: %s", code, stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("testdata/kinds.go.golden")
	if err != nil {
		t.Fatal(err)
	}
	// The headers differ: they record the command lines.
	if _, g, _ := bytes.Cut(got, []byte("\n")); !bytes.Equal(g, after(golden)) {
		t.Errorf("mlmd-gen output differs from testdata/kinds.go.golden:\n%s", lineDiff(string(after(golden)), string(g)))
	}
	copyFile(t, "testdata/e2e/kinds_test.go.in", filepath.Join(kinds, "kinds_test.go"))

	// The other golden files: they must compile and pass vet.
	pkgs := []string{"./" + filepath.ToSlash(kinds)}
	tested := []string{pkgs[0]}
	for _, name := range goldenCases(t) {
		if name == "kinds" {
			continue
		}
		d := filepath.Join(dir, name)
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, filepath.Join("testdata", name+".go.golden"), filepath.Join(d, "mlmd_types.go"))
		pkgs = append(pkgs, "./"+filepath.ToSlash(d))
		// Some golden packages have a test to run, too.
		if in := filepath.Join("testdata", "e2e", name+"_test.go.in"); fileExists(in) {
			copyFile(t, in, filepath.Join(d, name+"_test.go"))
			tested = append(tested, "./"+filepath.ToSlash(d))
		}
	}

	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(goTool, args...)
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly -buildvcs=false")
		outb, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, outb)
		}
		t.Logf("go %s:\n%s", strings.Join(args, " "), outb)
	}
	run(append([]string{"vet"}, pkgs...)...)
	run(append([]string{"test", "-count=1", "-v"}, tested...)...)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// after returns b after its first line.
func after(b []byte) []byte {
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	return rest
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
