package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gomlmd/gomlmd/mlmd"
)

// gomlmdSchemaVersion is the MLMD schema version gomlmd reads and writes.
const gomlmdSchemaVersion = 10

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

// databaseSize returns the bytes the database takes: the SQLite file and
// its write-ahead log, or MySQL's data and index length.
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
	if t.backend.MySQL == nil {
		return 0, errSizeUnknown
	}
	db, err := t.rawDB()
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	err = db.QueryRowContext(ctx, "SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.TABLES WHERE table_schema = DATABASE()").Scan(&n)
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
		Short: "Print the schema version of the database and what gomlmd needs",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := a.conn.resolve()
			if err != nil {
				return err
			}
			db, err := t.rawDB()
			if err != nil {
				return err
			}
			defer db.Close()
			v, ok, err := schemaVersion(cmd.Context(), db)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "database: %s\n", t.backend.Description)
			switch {
			case !ok:
				fmt.Fprintf(a.stdout, "schema: none (no MLMD tables); \"mlmd migrate up\" creates version %d\n", gomlmdSchemaVersion)
			case v == gomlmdSchemaVersion:
				fmt.Fprintf(a.stdout, "schema: version %d, up to date\n", v)
			default:
				fmt.Fprintf(a.stdout, "schema: version %d; gomlmd needs version %d and cannot migrate it\n", v, gomlmdSchemaVersion)
			}
			return nil
		},
	})
	m.AddCommand(&cobra.Command{
		Use:   "up",
		Short: "Create MLMD's schema (version 10) in an empty database",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, t, err := a.openStore(cmd.Context(), create)
			if err != nil {
				return err
			}
			if err := s.Close(); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s: schema version %d\n", t.backend.Description, gomlmdSchemaVersion)
			return nil
		},
	})
	m.AddCommand(&cobra.Command{
		Use:   "down VERSION",
		Short: "Downgrade the schema to an older MLMD version (not supported yet)",
		Args:  exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return fmt.Errorf("downgrading to schema version %s: %w: gomlmd cannot downgrade schemas yet", args[0], mlmd.ErrUnimplemented)
		},
	})
	return m
}
