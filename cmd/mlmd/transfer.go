package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/gomlmd/gomlmd/mlmd/mlmdio"
)

// newBar returns a progress bar on stderr for total units (-1: unknown),
// or nil when progress bars are off.
func (a *app) newBar(total int64, what string) (*progressbar.ProgressBar, error) {
	switch a.progress {
	case "off":
		return nil, nil
	case "on":
	case "auto":
		f, ok := a.stderr.(*os.File)
		if !ok {
			return nil, nil
		}
		if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
			return nil, nil
		}
	default:
		return nil, usagef("--progress %q: want auto, on or off", a.progress)
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(a.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("records"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(a.stderr) }),
	), nil
}

func finish(bar *progressbar.ProgressBar) {
	if bar != nil {
		_ = bar.Finish()
	}
}

func progressFunc(bar *progressbar.ProgressBar) func(string, int) {
	if bar == nil {
		return nil
	}
	return func(_ string, n int) { _ = bar.Add(n) }
}

func summary(s mlmdio.Stats) string {
	var parts []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range s {
			if !yield(k) {
				return
			}
		}
	}) {
		parts = append(parts, fmt.Sprintf("%d %s", s[k], k))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

func (a *app) exportCommand() *cobra.Command {
	var out string
	var sel mlmdio.Selection
	c := &cobra.Command{
		Use:   "export",
		Short: "Write the whole store as a JSON lines stream (docs/export.md)",
		Long: `Export writes everything the store holds - types, nodes, events, links -
as the JSON lines stream of docs/export.md, to --output or stdout. Import it
into an empty store of any backend with "mlmd import". With --artifacts,
--executions or --contexts (filter queries) it exports only the matching
nodes and their closure: seed contexts' members, everything upstream, and
the contexts of it all.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, _, err := a.openStore(cmd.Context(), existing)
			if err != nil {
				return err
			}
			defer s.Close()
			// A file is written under a temporary name and renamed when
			// complete, so a failed export leaves no truncated backup.
			var w io.Writer = a.stdout
			var f *os.File
			if out != "" && out != "-" {
				if f, err = os.Create(out + ".partial"); err != nil {
					return err
				}
				defer func() {
					f.Close()
					os.Remove(out + ".partial")
				}()
				w = f
			}
			bar, err := a.newBar(-1, "exporting")
			if err != nil {
				return err
			}
			opts := &mlmdio.ExportOptions{Progress: progressFunc(bar)}
			if sel != (mlmdio.Selection{}) {
				opts.Select = &sel
			}
			stats, err := mlmdio.Export(cmd.Context(), s, w, opts)
			finish(bar)
			if err != nil {
				return err
			}
			if f != nil {
				if err := f.Sync(); err != nil {
					return err
				}
				if err := f.Close(); err != nil {
					return err
				}
				if err := os.Rename(out+".partial", out); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "exported %s to %s\n", summary(stats), out)
			}
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "file to write (default stdout)")
	c.Flags().StringVar(&sel.Artifacts, "artifacts", "", "export only the artifacts this filter query matches, with their closure")
	c.Flags().StringVar(&sel.Executions, "executions", "", "export only the executions this filter query matches, with their closure")
	c.Flags().StringVar(&sel.Contexts, "contexts", "", "export only the contexts this filter query matches, their members, with their closure")
	return c
}

func (a *app) importCommand() *cobra.Command {
	var in string
	c := &cobra.Command{
		Use:   "import",
		Short: "Read a stream written by export into an empty store",
		Long: `Import reads a stream written by "mlmd export" (from --input or stdin) into
the store, which must be empty; the schema is created if the database has
none. Nodes get new ids and the lineage is kept. A failed import (a bad
stream, a value the database cannot hold) deletes what it wrote.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var r io.Reader = a.stdin
			total := int64(-1)
			if in != "" && in != "-" {
				f, err := os.Open(in)
				if err != nil {
					return err
				}
				defer f.Close()
				r = bufio.NewReaderSize(f, 1<<20)
				total = streamTotal(f)
			}
			s, t, err := a.openStore(cmd.Context(), create)
			if err != nil {
				return err
			}
			defer s.Close()
			bar, err := a.newBar(total, "importing")
			if err != nil {
				return err
			}
			stats, err := mlmdio.Import(cmd.Context(), s, r, &mlmdio.ImportOptions{Progress: progressFunc(bar)})
			finish(bar)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "imported %s into %s\n", summary(stats), t.backend.Description)
			return nil
		},
	}
	c.Flags().StringVarP(&in, "input", "i", "", "file to read (default stdin)")
	return c
}

// streamTotal reads the end record of a stream file and returns the
// number of records it counts, or -1 if that fails. It leaves the file's
// offset at the start.
func streamTotal(f *os.File) int64 {
	defer f.Seek(0, io.SeekStart)
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return -1
	}
	const tail = 64 << 10
	off := max(st.Size()-tail, 0)
	buf := make([]byte, st.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil {
		return -1
	}
	buf = bytes.TrimRight(buf, "\r\n ")
	last := buf[bytes.LastIndexByte(buf, '\n')+1:]
	var end struct {
		Kind   string           `json:"kind"`
		Counts map[string]int64 `json:"counts"`
	}
	if json.Unmarshal(last, &end) != nil || end.Kind != mlmdio.KindEnd {
		return -1
	}
	return mlmdio.Stats(end.Counts).Total()
}
