package mlmdgen

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd"
)

const usage = `usage: mlmd-gen [flags] types.yaml [more.yaml ...]
       mlmd-gen [flags] -dsn DSN [-driver sqlite] [-types A,B]

Generates typed Go wrappers for MLMD types declared in YAML files (see the
package doc of github.com/gomlmd/gomlmd/mlmdgen for the format) or
registered in a store. Use it from a go:generate line:

	//go:generate go run github.com/gomlmd/gomlmd/cmd/mlmd-gen -o mlmd_types.go types.yaml

Flags:
`

// Main runs mlmd-gen with the given arguments (without the program name)
// and returns its exit status: 0 on success, 1 on failure, 2 for bad usage.
// Errors go to stderr, and the generated code to the -o file or, with
// "-o -", to stdout.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mlmd-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	out := fs.String("o", "mlmd_types.go", `output file; "-" for stdout`)
	pkg := fs.String("pkg", "", "package name (default: $GOPACKAGE, as set by go generate, else the output directory's name)")
	dsn := fs.String("dsn", "", "read the types registered in this store instead of declaration files")
	driverName := fs.String("driver", "sqlite", "the store's backend, with -dsn")
	typeNames := fs.String("types", "", "with -dsn: comma-separated names of the types to generate (default: all)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	failUsage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "mlmd-gen: "+format+"\n", a...)
		fs.Usage()
		return 2
	}
	switch {
	case *dsn == "" && fs.NArg() == 0:
		return failUsage("no declaration file and no -dsn")
	case *dsn != "" && fs.NArg() > 0:
		return failUsage("give declaration files or -dsn, not both")
	case *dsn == "" && *typeNames != "":
		return failUsage("-types needs -dsn")
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "mlmd-gen: %v\n", err)
		return 1
	}

	pkgName, err := packageName(*pkg, *out)
	if err != nil {
		return fail(err)
	}
	var spec *Spec
	if *dsn != "" {
		spec, err = readStore(ctx, *driverName, *dsn, *typeNames)
	} else {
		spec, err = readFiles(fs.Args())
	}
	if err != nil {
		return fail(err)
	}
	src, err := Generate(spec, Options{Package: pkgName, Args: headerArgs(args, *driverName)})
	if err != nil {
		return fail(err)
	}
	if *out == "-" {
		if _, err := stdout.Write(src); err != nil {
			return fail(err)
		}
		return 0
	}
	if err := writeFile(*out, src); err != nil {
		return fail(err)
	}
	return 0
}

// packageName picks the package name: the flag, else $GOPACKAGE, else the
// output directory's name.
func packageName(flagValue, out string) (string, error) {
	name := flagValue
	if name == "" {
		name = os.Getenv("GOPACKAGE")
	}
	if name == "" {
		dir := "."
		if out != "-" {
			dir = filepath.Dir(out)
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", err
		}
		name = filepath.Base(abs)
		if !token.IsIdentifier(name) {
			return "", fmt.Errorf("cannot use directory name %q as the package name; set -pkg", name)
		}
	}
	if !token.IsIdentifier(name) || name == "_" {
		return "", fmt.Errorf("package name %q is not a Go identifier", name)
	}
	return name, nil
}

func readFiles(paths []string) (*Spec, error) {
	spec := &Spec{}
	var errs []error
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s, err := ParseYAML(p, src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		spec.Types = append(spec.Types, s.Types...)
	}
	return spec, errors.Join(errs...)
}

func readStore(ctx context.Context, driverName, dsn, typeNames string) (*Spec, error) {
	// Never migrate: reading types must not create a schema in a database
	// named by mistake. For the same reason the MySQL backend must not
	// create the database.
	if driverName == "mysql" && !strings.Contains(dsn, "skip_db_creation=") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + "skip_db_creation=true"
	}
	store, err := mlmd.Open(ctx, driverName, dsn, &mlmd.Options{SkipMigrations: true})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	var names []string
	for _, n := range strings.Split(typeNames, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return FromStore(ctx, store, names)
}

// headerArgs returns args with the password of a -dsn hidden, for the
// header of the generated file.
func headerArgs(args []string, driverName string) []string {
	if driverName == "sqlite" {
		return args
	}
	out := make([]string, len(args))
	copy(out, args)
	for i := 0; i < len(out); i++ {
		a := out[i]
		if a == "--" {
			break
		}
		switch name := strings.TrimLeft(a, "-"); {
		case a != name && (name == "dsn"):
			if i+1 < len(out) {
				out[i+1] = redactDSN(out[i+1])
				i++
			}
		case a != name && strings.HasPrefix(name, "dsn="):
			out[i] = a[:len(a)-len(name)] + "dsn=" + redactDSN(strings.TrimPrefix(name, "dsn="))
		}
	}
	return out
}

// redactDSN replaces the password in "user:password@..." or
// "scheme://user:password@..." with xxxxx.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	if at < 0 {
		return dsn
	}
	start := 0
	if i := strings.Index(dsn[:at], "://"); i >= 0 {
		start = i + 3
	}
	colon := strings.Index(dsn[start:at], ":")
	if colon < 0 {
		return dsn
	}
	return dsn[:start+colon+1] + "xxxxx" + dsn[at:]
}

// writeFile writes src to path through a temporary file, and leaves an
// identical file alone so that its modification time does not change.
func writeFile(path string, src []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, src) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mlmd-gen-*.go")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(src); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
