package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/lineageviz"
	"github.com/gomlmd/gomlmd/mlmd/mlmdio"
)

// row is one node for the table output.
type row struct {
	id                         int64
	typ, name, uri, state, ext string
	created                    int64
	props                      mlmd.Properties
	json                       func() ([]byte, error)
}

// lister pages through one kind of node.
type lister func(ctx context.Context, s *mlmd.Store, o *mlmd.ListOptions) ([]row, string, error)

var listers = map[string]lister{
	"artifacts": func(ctx context.Context, s *mlmd.Store, o *mlmd.ListOptions) ([]row, string, error) {
		ns, next, err := s.GetArtifacts(ctx, o)
		rows := make([]row, len(ns))
		for i, n := range ns {
			rows[i] = row{n.ID, n.Type, n.Name, n.URI, enumText(int32(n.State), n.State), n.ExternalID, n.CreateTimeSinceEpoch,
				mergeProps(n.Properties, n.CustomProperties), func() ([]byte, error) { return mlmdio.MarshalArtifact(n) }}
		}
		return rows, next, err
	},
	"executions": func(ctx context.Context, s *mlmd.Store, o *mlmd.ListOptions) ([]row, string, error) {
		ns, next, err := s.GetExecutions(ctx, o)
		rows := make([]row, len(ns))
		for i, n := range ns {
			rows[i] = row{n.ID, n.Type, n.Name, "", enumText(int32(n.LastKnownState), n.LastKnownState), n.ExternalID, n.CreateTimeSinceEpoch,
				mergeProps(n.Properties, n.CustomProperties), func() ([]byte, error) { return mlmdio.MarshalExecution(n) }}
		}
		return rows, next, err
	},
	"contexts": func(ctx context.Context, s *mlmd.Store, o *mlmd.ListOptions) ([]row, string, error) {
		ns, next, err := s.GetContexts(ctx, o)
		rows := make([]row, len(ns))
		for i, n := range ns {
			rows[i] = row{n.ID, n.Type, n.Name, "", "", n.ExternalID, n.CreateTimeSinceEpoch,
				mergeProps(n.Properties, n.CustomProperties), func() ([]byte, error) { return mlmdio.MarshalContext(n) }}
		}
		return rows, next, err
	},
}

func enumText(v int32, s fmt.Stringer) string {
	if v == 0 {
		return ""
	}
	return s.String()
}

func mergeProps(p, c mlmd.Properties) mlmd.Properties {
	out := maps.Clone(p)
	if out == nil {
		out = mlmd.Properties{}
	}
	for k, v := range c {
		out["custom."+k] = v
	}
	return out
}

func propsText(p mlmd.Properties) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		v := p[k]
		var s string
		switch v.Type() {
		case mlmd.PropertyString:
			s = v.AsString()
		case mlmd.PropertyInt:
			s = fmt.Sprint(v.AsInt())
		case mlmd.PropertyDouble:
			s = fmt.Sprint(v.AsDouble())
		case mlmd.PropertyBool:
			s = fmt.Sprint(v.AsBool())
		default:
			s = v.String()
		}
		parts = append(parts, k+"="+s)
	}
	return strings.Join(parts, " ")
}

func (a *app) queryCommand() *cobra.Command {
	var output, order string
	var limit int
	var desc bool
	c := &cobra.Command{
		Use:   "query artifacts|executions|contexts [FILTER]",
		Short: "List nodes matching an MLMD filter query, as a table or JSON lines",
		Long: `Query lists the artifacts, executions or contexts that match a filter query
in MLMD's language, e.g.
  mlmd query artifacts "type = 'Model' AND properties.accuracy.double_value > 0.9"
as a table, or with --output json one JSON object a line (the records of
docs/export.md).`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usagef("want a kind (artifacts, executions, contexts) and at most one filter query")
			}
			if listers[args[0]] == nil {
				return usagef("unknown kind %q: want artifacts, executions or contexts", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &mlmd.ListOptions{MaxResultSize: mlmd.MaxListResultSize, Desc: desc}
			if len(args) == 2 {
				opts.FilterQuery = args[1]
			}
			switch order {
			case "id":
				opts.OrderBy = mlmd.OrderByID
			case "create_time":
				opts.OrderBy = mlmd.OrderByCreateTime
			case "update_time":
				opts.OrderBy = mlmd.OrderByUpdateTime
			default:
				return usagef("--order %q: want id, create_time or update_time", order)
			}
			if output != "table" && output != "json" {
				return usagef("--output %q: want table or json", output)
			}
			if limit < 0 {
				return usagef("--limit %d is negative", limit)
			}
			s, _, err := a.openStore(cmd.Context(), existing)
			if err != nil {
				return err
			}
			defer s.Close()
			var tw *tabwriter.Writer
			if output == "table" {
				tw = tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tTYPE\tNAME\tURI\tSTATE\tEXTERNAL_ID\tCREATED\tPROPERTIES")
			}
			n := 0
			for {
				rows, next, err := listers[args[0]](cmd.Context(), s, opts)
				if err != nil {
					return err
				}
				for _, r := range rows {
					if limit > 0 && n >= limit {
						break
					}
					n++
					if err := writeRow(a.stdout, tw, r); err != nil {
						return err
					}
				}
				if next == "" || (limit > 0 && n >= limit) {
					break
				}
				opts.NextPageToken = next
			}
			if tw != nil {
				return tw.Flush()
			}
			return nil
		},
	}
	c.Flags().StringVar(&output, "output", "table", "output format: table or json")
	c.Flags().IntVar(&limit, "limit", 100, "most nodes to list (0: all)")
	c.Flags().StringVar(&order, "order", "id", "order: id, create_time or update_time")
	c.Flags().BoolVar(&desc, "desc", false, "largest first")
	return c
}

func writeRow(w io.Writer, tw *tabwriter.Writer, r row) error {
	if tw == nil {
		b, err := r.json()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	created := time.UnixMilli(r.created).UTC().Format(time.RFC3339)
	_, err := fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.id, r.typ, r.name, r.uri, r.state, r.ext, created,
		strings.NewReplacer("\t", " ", "\n", " ").Replace(propsText(r.props)))
	return err
}

func (a *app) lineageCommand() *cobra.Command {
	var artifacts, executions, direction, format string
	var hops int64
	c := &cobra.Command{
		Use:   "lineage",
		Short: "Draw the lineage of the nodes a filter query matches, as DOT or Mermaid",
		Long: `Lineage walks the lineage graph from the artifacts (--artifacts) or the
executions (--executions) a filter query matches, and prints it as a
Graphviz DOT or a Mermaid flowchart, e.g.
  mlmd lineage --artifacts "uri = 'gs://models/7'" --direction upstream | dot -Tsvg`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := mlmd.LineageSubgraphQuery{}
			switch {
			case artifacts != "" && executions == "":
				q.StartingArtifacts = &mlmd.StartingNodes{FilterQuery: artifacts}
			case executions != "" && artifacts == "":
				q.StartingExecutions = &mlmd.StartingNodes{FilterQuery: executions}
			default:
				return usagef("give exactly one of --artifacts and --executions")
			}
			switch direction {
			case "upstream":
				q.Direction = mlmd.Upstream
			case "downstream":
				q.Direction = mlmd.Downstream
			case "both":
				q.Direction = mlmd.Bidirectional
			default:
				return usagef("--direction %q: want upstream, downstream or both", direction)
			}
			if hops >= 0 {
				q.MaxNumHops = &hops
			}
			var draw func(mlmd.LineageGraph) string
			switch format {
			case "dot":
				draw = lineageviz.DOT
			case "mermaid":
				draw = lineageviz.Mermaid
			default:
				return usagef("--format %q: want dot or mermaid", format)
			}
			s, _, err := a.openStore(cmd.Context(), existing)
			if err != nil {
				return err
			}
			defer s.Close()
			g, err := s.GetLineageSubgraph(cmd.Context(), q)
			if err != nil {
				return err
			}
			_, err = io.WriteString(a.stdout, draw(g))
			return err
		},
	}
	c.Flags().StringVar(&artifacts, "artifacts", "", "filter query choosing the starting artifacts")
	c.Flags().StringVar(&executions, "executions", "", "filter query choosing the starting executions")
	c.Flags().StringVar(&direction, "direction", "both", "upstream, downstream or both")
	c.Flags().Int64Var(&hops, "hops", -1, "most hops to walk (-1: MLMD's maximum)")
	c.Flags().StringVar(&format, "format", "dot", "dot or mermaid")
	return c
}
