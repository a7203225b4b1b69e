package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gomlmd/gomlmd/mlmd/mlmdgc"
)

// parseAge parses a Go duration ("36h") or a number of days ("30d").
func parseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.ParseFloat(n, 64)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("%q: want a positive number of days, e.g. 30d", s)
		}
		return time.Duration(d * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q: want a positive duration (720h) or days (30d)", s)
	}
	return d, nil
}

func (a *app) gcCommand() *cobra.Command {
	var olderThan, contextType string
	var keep []string
	var apply bool
	var batch, maxCandidates int
	var pause time.Duration
	c := &cobra.Command{
		Use:   "gc --older-than AGE [--context-type TYPE] [--keep-context NAME]... [--apply]",
		Short: "Delete old executions and their outputs that nothing live needs (dry run by default)",
		Long: `Gc finds the executions last updated before --older-than (in contexts of
--context-type, if given) and the artifacts they output, keeps every LIVE
artifact, every member of a --keep-context context and everything upstream
of a node that stays, and prints what would go. With --apply it deletes
that, downstream first, --batch-size nodes per transaction, so the store
stays online and a run that stops halfway leaves it consistent (run again
to finish). Contexts and types are never deleted. Rules: docs/lifecycle.md.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if olderThan == "" {
				return usagef("--older-than is required, e.g. --older-than 30d")
			}
			age, err := parseAge(olderThan)
			if err != nil {
				return usagef("--older-than %v", err)
			}
			if batch < 1 || batch > 10000 {
				return usagef("--batch-size %d is out of range 1..10000", batch)
			}
			if pause < 0 {
				return usagef("--pause %v is negative", pause)
			}
			s, _, err := a.openStore(cmd.Context(), existing)
			if err != nil {
				return err
			}
			defer s.Close()
			plan, err := mlmdgc.NewPlan(cmd.Context(), s, mlmdgc.Policy{OlderThan: age, ContextType: contextType,
				KeepContexts: keep, MaxCandidates: maxCandidates})
			if err != nil {
				return err
			}
			xs, as := plan.Count()
			if !apply {
				for _, n := range plan.Nodes {
					fmt.Fprintln(a.stdout, n)
				}
				fmt.Fprintf(a.stderr, "dry run: would delete %d executions and %d artifacts (of %d candidates, %d kept); --apply deletes them\n",
					xs, as, plan.Candidates, plan.Kept)
				return nil
			}
			bar, err := a.newBar(int64(len(plan.Nodes)), "deleting")
			if err != nil {
				return err
			}
			var last int
			n, err := plan.Apply(cmd.Context(), s, &mlmdgc.ApplyOptions{BatchSize: batch, Pause: pause, Progress: func(done, _ int) {
				if bar != nil {
					_ = bar.Add(done - last)
				}
				last = done
			}})
			finish(bar)
			if err != nil {
				return fmt.Errorf("%w (deleted %d of %d nodes; the store is consistent, run again to finish)", err, n, len(plan.Nodes))
			}
			fmt.Fprintf(a.stderr, "deleted %d executions and %d artifacts (%d candidates kept)\n", xs, as, plan.Kept)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&olderThan, "older-than", "", "age of the executions to collect: a duration (720h) or days (30d)")
	f.StringVar(&contextType, "context-type", "", "only executions in a context of this type")
	f.StringArrayVar(&keep, "keep-context", nil, "keep the members of the context with this name, and their lineage (repeatable)")
	f.BoolVar(&apply, "apply", false, "delete (without it: a dry run that lists what would go)")
	f.IntVar(&batch, "batch-size", 500, "nodes per transaction")
	f.DurationVar(&pause, "pause", 0, "rest between batches, to leave room to other writers")
	f.IntVar(&maxCandidates, "max-candidates", 100000, "most executions one run considers")
	return c
}
