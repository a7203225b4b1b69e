package serverconfig

import (
	"context"
	"flag"
	"io"
	"reflect"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd"
)

// isConnectionFlag reports whether an mlmd-server flag says which
// database to open and how, rather than how to serve.
func isConnectionFlag(name string) bool {
	for _, p := range []string{"metadata_", "mysql_", "postgres_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return name == "enable_database_upgrade" || name == "downgrade_db_schema_version"
}

// ConnectionFlags registers on fs the flags of mlmd-server that choose and
// open the database (--metadata_store_server_config_file,
// --metadata_source_config_type, --mysql_config_*, --postgres_config_*,
// the --mysql_max_*/--mysql_conn_* pool flags,
// --metadata_store_connection_retries, --enable_database_upgrade and
// --downgrade_db_schema_version), with the server's names, defaults and
// help, for other commands that connect as the server does. fs may also
// be handed to another flag library (pflag's AddGoFlagSet).
//
// After fs is parsed, the returned function checks the flags that were
// set exactly as Load does and returns the configuration; with none set,
// it is the server's in-memory database.
func ConnectionFlags(fs *flag.FlagSet) func() (*Config, error) {
	var f flags
	all := newFlagSet(&f, io.Discard)
	var set []string
	all.VisitAll(func(fl *flag.Flag) {
		if isConnectionFlag(fl.Name) {
			fs.Var(&recordingValue{Value: fl.Value, name: fl.Name, set: &set}, fl.Name, fl.Usage)
		}
	})
	return func() (*Config, error) { return Load(set) }
}

// recordingValue is a flag value that remembers each Set as a
// "--name=value" argument, to be parsed again by Load.
type recordingValue struct {
	flag.Value
	name string
	set  *[]string
}

func (v *recordingValue) Set(s string) error {
	if err := v.Value.Set(s); err != nil {
		return err
	}
	*v.set = append(*v.set, "--"+v.name+"="+s)
	return nil
}

// IsBoolFlag lets a boolean flag be given without a value.
func (v *recordingValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// Type names the value's type for pflag's help ("string", "int",
// "duration", "bool"), from the flag package's value type.
func (v *recordingValue) Type() string {
	t := reflect.TypeOf(v.Value)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.TrimSuffix(t.Name(), "Value")
}

// OpenWith opens the store of b with opts in place of b.Options, once (no
// retries), for tools that open a store differently from the server: for
// example with SkipMigrations, to read a database without creating a
// schema in it.
func (b *Backend) OpenWith(ctx context.Context, opts mlmd.Options) (*mlmd.Store, error) {
	c := *b
	c.Options = opts
	return c.open(ctx)
}
