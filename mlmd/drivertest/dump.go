package drivertest

// A full dump of a store, taken through the public API, to check that a
// failed call leaves the store exactly as it was.

import (
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomlmd/gomlmd/mlmd"
)

// renderValue formats a value canonically (struct and proto values by
// their deterministic serialization).
func renderValue(v mlmd.Value) string {
	switch v.Type() {
	case mlmd.PropertyStruct:
		b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(v.AsStruct())
		return "struct:" + hex.EncodeToString(b)
	case mlmd.PropertyProto:
		b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(v.AsProto())
		return "proto:" + hex.EncodeToString(b)
	}
	return v.String()
}

func renderProps(p mlmd.Properties) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(p)) {
		fmt.Fprintf(&b, " %q=%s", k, renderValue(p[k]))
	}
	return b.String()
}

func renderNode(n gnode) string {
	return fmt.Sprintf("id=%d type=%d/%q name=%q uri=%q ext=%q state=%d times=%d/%d props{%s} custom{%s}",
		n.ID, n.TypeID, n.Type, n.Name, n.URI, n.ExternalID, n.State, n.Create, n.Update, renderProps(n.Props), renderProps(n.Custom))
}

func renderType(g gtype) string {
	var ps []string
	for _, k := range slices.Sorted(maps.Keys(g.Props)) {
		ps = append(ps, fmt.Sprintf("%s:%s", k, g.Props[k]))
	}
	return fmt.Sprintf("id=%d name=%q version=%q desc=%q ext=%q base=%d props=%v", g.ID, g.Name, g.Version, g.Description, g.ExternalID, g.Base, ps)
}

// dumpStore renders everything the store holds, one line per item, in a
// canonical order: types, nodes, events, attributions, associations and
// parent contexts.
func dumpStore(t *testing.T, s *mlmd.Store) []string {
	t.Helper()
	var lines []string
	for _, k := range typeKinds {
		ts, err := k.all(t, s)
		ok(t, err, "dump "+k.name+" types")
		for _, ty := range ts {
			lines = append(lines, k.name+" type "+renderType(ty))
		}
	}
	all := map[string][]int64{}
	for _, k := range nodeKinds {
		ns, _, err := k.list(t, s, nil)
		ok(t, err, "dump "+k.name+"s")
		for _, n := range ns {
			lines = append(lines, k.name+" "+renderNode(n))
			all[k.name] = append(all[k.name], n.ID)
		}
	}
	if len(all["artifact"]) > 0 {
		evs, err := s.GetEventsByArtifactIDs(t.Context(), all["artifact"])
		ok(t, err, "dump events")
		for _, e := range evs {
			lines = append(lines, fmt.Sprintf("event a=%d e=%d type=%s time=%d path=%v", e.ArtifactID, e.ExecutionID, e.Type, e.MillisecondsSinceEpoch, e.Path))
		}
	}
	if len(all["execution"]) > 0 {
		evs, err := s.GetEventsByExecutionIDs(t.Context(), all["execution"])
		ok(t, err, "dump events")
		lines = append(lines, fmt.Sprintf("events by execution: %d", len(evs)))
	}
	for _, c := range all["context"] {
		for _, k := range []nodeKind{artifacts, executions} {
			ns, _, err := k.byContext(t, s, c, nil)
			ok(t, err, "dump links")
			lines = append(lines, fmt.Sprintf("context %d %ss %v", c, k.name, nodeIDs(ns)))
		}
	}
	if len(all["context"]) > 0 {
		parents, err := s.GetParentContextsByContexts(t.Context(), all["context"])
		ok(t, err, "dump parent contexts")
		for _, c := range slices.Sorted(maps.Keys(parents)) {
			lines = append(lines, fmt.Sprintf("context %d parents %v", c, nodeIDs(mapAll(parents[c], fromContext))))
		}
	}
	return lines
}

// wantUnchanged fails the test if the store's dump differs from before.
func wantUnchanged(t *testing.T, s *mlmd.Store, before []string, what string) {
	t.Helper()
	after := dumpStore(t, s)
	if slices.Equal(before, after) {
		return
	}
	var d []string
	for _, l := range before {
		if !slices.Contains(after, l) {
			d = append(d, "- "+l)
		}
	}
	for _, l := range after {
		if !slices.Contains(before, l) {
			d = append(d, "+ "+l)
		}
	}
	t.Errorf("%s changed the store:\n%s", what, strings.Join(d, "\n"))
}

// failsUnchanged runs a call that must fail with code and leave the store
// as it was.
func failsUnchanged(t *testing.T, s *mlmd.Store, code mlmd.Code, what string, call func() error) {
	t.Helper()
	before := dumpStore(t, s)
	err := call()
	if got := mlmd.CodeOf(err); got != code {
		t.Errorf("%s: got error %v (code %v), want code %v", what, err, got, code)
	}
	wantUnchanged(t, s, before, what)
}
