package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gomlmd/gomlmd/mlmd"
)

// gomlmdSchemaVersion is the MLMD schema version gomlmd reads and writes.
const gomlmdSchemaVersion = mlmd.SchemaVersion

// countPages counts the rows of a listing, page by page.
func countPages[T any](ctx context.Context, list func(context.Context, *mlmd.ListOptions) ([]T, string, error)) (int64, error) {
	opts := &mlmd.ListOptions{MaxResultSize: mlmd.MaxListResultSize}
	var n int64
	for {
		ns, next, err := list(ctx, opts)
		if err != nil {
			return 0, err
		}
		n += int64(len(ns))
		if next == "" {
			return n, nil
		}
		opts.NextPageToken = next
	}
}

type typeCount struct {
	kind, name, version string
	count               int64
}

func countByType(ctx context.Context, s *mlmd.Store) ([]typeCount, error) {
	var out []typeCount
	ats, err := s.GetArtifactTypes(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ats {
		n, err := countPages(ctx, func(ctx context.Context, o *mlmd.ListOptions) ([]mlmd.Artifact, string, error) {
			return s.GetArtifactsByType(ctx, t.Name, t.Version, o)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, typeCount{"artifact", t.Name, t.Version, n})
	}
	ets, err := s.GetExecutionTypes(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ets {
		n, err := countPages(ctx, func(ctx context.Context, o *mlmd.ListOptions) ([]mlmd.Execution, string, error) {
			return s.GetExecutionsByType(ctx, t.Name, t.Version, o)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, typeCount{"execution", t.Name, t.Version, n})
	}
	cts, err := s.GetContextTypes(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range cts {
		n, err := countPages(ctx, func(ctx context.Context, o *mlmd.ListOptions) ([]mlmd.Context, string, error) {
			return s.GetContextsByType(ctx, t.Name, t.Version, o)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, typeCount{"context", t.Name, t.Version, n})
	}
	return out, nil
}

// errSizeUnknown is returned by databaseSize for a backend it cannot
// measure.
var errSizeUnknown = errors.New("the size of this database is unknown")

// sizeQueries are the statements that sum the bytes of the tables, with
// their indexes, in the schema of the connection, by driver.
var sizeQueries = map[string]string{
	"mysql": "SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.TABLES WHERE table_schema = DATABASE()",
	// pg_total_relation_size counts a table's indexes and TOAST data too.
	"postgres": `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()`,
}

// databaseSize returns the bytes the database takes: the SQLite file and
// its write-ahead log, or the data and indexes of the tables in MySQL's
// database or PostgreSQL's current schema.
func (t *target) databaseSize(ctx context.Context) (int64, error) {
	if t.sqlitePath != "" {
		var n int64
		for _, p := range []string{t.sqlitePath, t.sqlitePath + "-wal"} {
			st, err := os.Stat(p)
			if errors.Is(err, os.ErrNotExist) && p != t.sqlitePath {
				continue
			}
			if err != nil {
				return 0, err
			}
			n += st.Size()
		}
		return n, nil
	}
	query, ok := sizeQueries[t.backend.Driver]
	if !ok {
		return 0, errSizeUnknown
	}
	db, err := t.rawDB(ctx)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	err = db.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

func (a *app) statsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "stats",
		Short: "Count the nodes of each type and show the database size",
		Long: `Stats counts the artifacts, executions and contexts of every type (it pages
through them all) and prints the size of the database.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, t, err := a.openStore(cmd.Context(), existing)
			if err != nil {
				return err
			}
			defer s.Close()
			counts, err := countByType(cmd.Context(), s)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "KIND\tTYPE\tVERSION\tCOUNT")
			totals := map[string]int64{}
			for _, c := range counts {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", c.kind, c.name, c.version, c.count)
				totals[c.kind] += c.count
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "\ntotal: %d artifacts, %d executions, %d contexts\n", totals["artifact"], totals["execution"], totals["context"])
			size, err := t.databaseSize(cmd.Context())
			if errors.Is(err, errSizeUnknown) {
				fmt.Fprintf(a.stdout, "database: %s, size unknown\n", t.backend.Description)
				return nil
			}
			if err != nil {
				return fmt.Errorf("database size: %w", err)
			}
			fmt.Fprintf(a.stdout, "database: %s, %d bytes (%.1f MiB)\n", t.backend.Description, size, float64(size)/(1<<20))
			return nil
		},
	}
}

func (a *app) migrateCommand() *cobra.Command {
	m := &cobra.Command{
		Use:   "migrate",
		Short: "Show or change the database's MLMD schema version",
		Args:  noArgs,
	}
	m.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Print the database's MLMD schema version and the upgrade steps pending",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, st, err := a.inspectSchema(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "database: %s\n", t.backend.Description)
			fmt.Fprintf(a.stdout, "schema: %s\n", describeSchema(st))
			return nil
		},
	})
	m.AddCommand(&cobra.Command{
		Use:   "up",
		Short: "Create MLMD's schema (version 10) in an empty database, or upgrade an older MLMD schema to it",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := a.conn.resolve()
			if err != nil {
				return err
			}
			before := mlmd.SchemaState{Empty: true} // a SQLite file that does not exist yet
			if t.checkExists() == nil {
				if before, err = t.backend.InspectSchema(cmd.Context()); err != nil {
					return fmt.Errorf("%s: %w", t.backend.Description, err)
				}
			}
			s, err := t.open(cmd.Context(), upgrade)
			if err != nil {
				return err
			}
			if err := s.Close(); err != nil {
				return err
			}
			switch {
			case before.Empty:
				fmt.Fprintf(a.stdout, "%s: created schema version %d\n", t.backend.Description, gomlmdSchemaVersion)
			case before.Version < gomlmdSchemaVersion:
				fmt.Fprintf(a.stdout, "%s: upgraded schema version %d to %d (steps %s)\n",
					t.backend.Description, before.Version, gomlmdSchemaVersion, joinVersions(before.Pending))
			default:
				fmt.Fprintf(a.stdout, "%s: schema version %d, up to date\n", t.backend.Description, gomlmdSchemaVersion)
			}
			return nil
		},
	})
	m.AddCommand(&cobra.Command{
		Use:   "down VERSION",
		Short: "Downgrade the schema to an older MLMD version (0-9), for an older MLMD release; what that version cannot hold is lost",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			to, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || to < 0 || to >= gomlmdSchemaVersion {
				return usagef("migrate down: VERSION %q is invalid: want a schema version from 0 to %d", args[0], gomlmdSchemaVersion-1)
			}
			t, before, err := a.inspectSchema(cmd.Context())
			if err != nil {
				return err
			}
			if err := t.backend.Downgrade(cmd.Context(), to); err != nil {
				return fmt.Errorf("%s: %w", t.backend.Description, err)
			}
			if before.Version == to {
				fmt.Fprintf(a.stdout, "%s: schema version %d already; nothing to do\n", t.backend.Description, to)
				return nil
			}
			fmt.Fprintf(a.stdout, "%s: downgraded schema version %d to %d\n", t.backend.Description, before.Version, to)
			return nil
		},
	})
	return m
}

// inspectSchema resolves the connection and reads the schema version of
// an existing database.
func (a *app) inspectSchema(ctx context.Context) (*target, mlmd.SchemaState, error) {
	t, err := a.conn.resolve()
	if err != nil {
		return nil, mlmd.SchemaState{}, err
	}
	if err := t.checkExists(); err != nil {
		return nil, mlmd.SchemaState{}, err
	}
	st, err := t.backend.InspectSchema(ctx)
	if err != nil {
		return nil, mlmd.SchemaState{}, fmt.Errorf("%s: %w", t.backend.Description, err)
	}
	return t, st, nil
}

// describeSchema says what a schema state means for gomlmd.
func describeSchema(st mlmd.SchemaState) string {
	switch {
	case st.Empty:
		return fmt.Sprintf("none (no MLMD tables); \"mlmd migrate up\" creates version %d", gomlmdSchemaVersion)
	case st.Version > gomlmdSchemaVersion:
		return fmt.Sprintf("version %d, newer than version %d that gomlmd knows", st.Version, gomlmdSchemaVersion)
	case st.Version == gomlmdSchemaVersion && st.ExtrasPending:
		return fmt.Sprintf("version %d, up to date; gomlmd's indexes are missing (\"mlmd migrate up\" adds them)", st.Version)
	case st.Version == gomlmdSchemaVersion:
		return fmt.Sprintf("version %d, up to date", st.Version)
	case st.Version < st.Oldest:
		return fmt.Sprintf("version %d; gomlmd needs version %d and cannot upgrade this backend from older than version %d", st.Version, gomlmdSchemaVersion, st.Oldest)
	}
	return fmt.Sprintf("version %d; gomlmd needs version %d; pending upgrade steps: %s (\"mlmd migrate up\" applies them)",
		st.Version, gomlmdSchemaVersion, joinVersions(st.Pending))
}

// joinVersions lists schema versions as "8, 9, 10".
func joinVersions(vs []int64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.FormatInt(v, 10)
	}
	return strings.Join(parts, ", ")
}
