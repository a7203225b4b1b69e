// Command mlmd is the operator's tool for an ML Metadata store: export and
// import it (backups, moves between backends), query it with MLMD's filter
// language, draw lineage, count what it holds, and check its schema.
//
// It connects as mlmd-server does, with the same flags
// (--metadata_store_server_config_file, --mysql_config_*, ...), or to a
// SQLite file with --sqlite. Run `mlmd help` for the commands.
//
// Exit status: 0 on success, 2 for a bad command line, 1 for any other
// error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/gomlmd/gomlmd/server/serverconfig"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError marks an error in the command line (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// app holds what every command shares: the streams and the connection.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	conn           connection
	progress       string
}

// run runs one command line and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "mlmd: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "mlmd",
		Short: "Operate an ML Metadata store: export, import, query, lineage, stats, migrate",
		Long: `mlmd operates an ML Metadata store.

The store is named as for mlmd-server: --metadata_store_server_config_file
(a text-format MetadataStoreServerConfig), or the --mysql_config_* flags,
or --metadata_source_config_type=postgresql and the --postgres_config_*
flags, or, as a shorthand, --sqlite FILE.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	goFlags := flag.NewFlagSet("mlmd", flag.ContinueOnError)
	a.conn.config = serverconfig.ConnectionFlags(goFlags)
	pf.AddGoFlagSet(goFlags)
	pf.StringVar(&a.conn.sqlite, "sqlite", "", "path of a SQLite database file (instead of a config file or the MySQL or PostgreSQL flags)")
	pf.StringVar(&a.progress, "progress", "auto", "progress bars on stderr: auto (when stderr is a terminal), on or off")
	root.AddCommand(a.exportCommand(), a.importCommand(), a.queryCommand(), a.lineageCommand(),
		a.statsCommand(), a.migrateCommand(), a.gcCommand())
	for _, c := range root.Commands() {
		if c.Args == nil {
			c.Args = noArgs
		}
	}
	return root
}

func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("want %d argument(s), got %d", n, len(args))
		}
		return nil
	}
}
