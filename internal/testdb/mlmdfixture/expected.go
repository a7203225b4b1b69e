package mlmdfixture

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

// Content is what a store opened on a fixture must read back once the
// database is at version 10: the fixture's rows through the mlmd API.
// Lists are in id order (events in the order they were written); the type
// lists leave out MLMD's system type (mlmd.Model) that the fixture holds
// from version 6, as the API's type listings do.
type Content struct {
	Engine  Engine
	Version int

	ArtifactTypes  []mlmd.ArtifactType
	ExecutionTypes []mlmd.ExecutionType
	ContextTypes   []mlmd.ContextType
	Artifacts      []mlmd.Artifact
	Executions     []mlmd.Execution
	Contexts       []mlmd.Context
	Events         []mlmd.Event
	Attributions   []mlmd.Attribution
	Associations   []mlmd.Association
	ParentContexts []mlmd.ParentContext
}

// Expected returns the content of the fixture of engine e at version v, as
// the mlmd API shows it after an upgrade to version 10.
func Expected(e Engine, v int) (*Content, error) {
	if err := checkArgs(e, v); err != nil {
		return nil, err
	}
	c := &Content{Engine: e, Version: v}
	typeNames := map[int64]string{}
	for _, t := range types {
		if t.since > v {
			continue
		}
		typeNames[t.id] = t.name
		props := map[string]mlmd.PropertyType{}
		for _, p := range t.props {
			if p.since <= v {
				props[p.name] = p.t
			}
		}
		var version, desc, ext string
		if v >= 6 {
			version, desc = t.version, t.description
		}
		if v >= 9 {
			ext = t.externalID
		}
		if slices.Contains(systemTypeNames, t.name) {
			// The API does not list MLMD's system types; the fixture's
			// shows as the base type of the types below it.
			continue
		}
		switch t.kind {
		case kindArtifact:
			var base mlmd.ArtifactBaseType
			if t.parent != 0 && v >= 6 {
				base = mlmd.ArtifactBaseModel // the fixture's only parent is mlmd.Model
			}
			c.ArtifactTypes = append(c.ArtifactTypes, mlmd.ArtifactType{ID: t.id, Name: t.name, Version: version,
				Description: desc, ExternalID: ext, Properties: props, BaseType: base})
		case kindExecution:
			c.ExecutionTypes = append(c.ExecutionTypes, mlmd.ExecutionType{ID: t.id, Name: t.name, Version: version,
				Description: desc, ExternalID: ext, Properties: props, InputType: t.input, OutputType: t.output})
		case kindContext:
			c.ContextTypes = append(c.ContextTypes, mlmd.ContextType{ID: t.id, Name: t.name, Version: version,
				Description: desc, ExternalID: ext, Properties: props})
		}
	}
	base := timeBase(e, v)
	for _, n := range nodes {
		if n.since > v {
			continue
		}
		props, custom := mlmd.Properties{}, mlmd.Properties{}
		for _, p := range n.props {
			if p.since > v {
				continue
			}
			if p.custom {
				custom[p.name] = p.v
			} else {
				props[p.name] = p.v
			}
		}
		name, state, ext := n.name, n.state, n.externalID
		var create, update int64
		if v >= 5 {
			create, update = base+n.create, base+n.update
		} else if n.kind != kindContext {
			name, state = "", 0
		}
		if v < 9 {
			ext = ""
		}
		switch n.kind {
		case kindArtifact:
			c.Artifacts = append(c.Artifacts, mlmd.Artifact{ID: n.id, TypeID: n.typeID, Type: typeNames[n.typeID], Name: name,
				URI: n.uri, ExternalID: ext, State: mlmd.ArtifactState(state), Properties: props, CustomProperties: custom,
				CreateTimeSinceEpoch: create, LastUpdateTimeSinceEpoch: update})
		case kindExecution:
			c.Executions = append(c.Executions, mlmd.Execution{ID: n.id, TypeID: n.typeID, Type: typeNames[n.typeID], Name: name,
				ExternalID: ext, LastKnownState: mlmd.ExecutionState(state), Properties: props, CustomProperties: custom,
				CreateTimeSinceEpoch: create, LastUpdateTimeSinceEpoch: update})
		case kindContext:
			c.Contexts = append(c.Contexts, mlmd.Context{ID: n.id, TypeID: n.typeID, Type: typeNames[n.typeID], Name: name,
				ExternalID: ext, Properties: props, CustomProperties: custom,
				CreateTimeSinceEpoch: create, LastUpdateTimeSinceEpoch: update})
		}
	}
	for _, ev := range events {
		if ev.since > v {
			continue
		}
		var ms int64
		if ev.millis >= 0 {
			ms = eventBase + ev.millis
		}
		c.Events = append(c.Events, mlmd.Event{ArtifactID: ev.artifact, ExecutionID: ev.exe, Type: ev.t,
			MillisecondsSinceEpoch: ms, Path: slices.Clone(ev.path)})
	}
	for _, l := range attributions {
		if l.since <= v {
			c.Attributions = append(c.Attributions, mlmd.Attribution{ContextID: l.a, ArtifactID: l.b})
		}
	}
	for _, l := range associations {
		if l.since <= v {
			c.Associations = append(c.Associations, mlmd.Association{ContextID: l.a, ExecutionID: l.b})
		}
	}
	for _, l := range parentContexts {
		if l.since <= v {
			c.ParentContexts = append(c.ParentContexts, mlmd.ParentContext{ChildID: l.a, ParentID: l.b})
		}
	}
	return c, nil
}

// systemTypeNames are MLMD's system base types, which a store opened on a
// fixture adds to it.
var systemTypeNames = []string{"mlmd.Dataset", "mlmd.Model", "mlmd.Metrics", "mlmd.Statistics",
	"mlmd.Train", "mlmd.Transform", "mlmd.Process", "mlmd.Evaluate", "mlmd.Deploy"}

// Check reads the content back through s and fails the test where the
// store shows something else: every type, node, event, link and parent
// link by id, with every field, and nothing more than the fixture holds
// (besides MLMD's system base types, which opening a store adds).
func (c *Content) Check(t *testing.T, s *mlmd.Store) {
	t.Helper()
	c.checkTypes(t, s)
	c.checkNodes(t, s)
	c.checkEvents(t, s)
	c.checkLinks(t, s)
}

func fail(t *testing.T, what string, got, want any) {
	t.Helper()
	t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
}

// onlyFixtureTypes drops the system base types the store added (ids past
// the fixture's) from a listing.
func onlyFixtureTypes[T any](ts []T, id func(T) int64, name func(T) string, maxID int64) ([]T, error) {
	var out []T
	for _, x := range ts {
		if id(x) > maxID {
			if !slices.Contains(systemTypeNames, name(x)) {
				return nil, fmt.Errorf("type %d %q is neither the fixture's nor a system type", id(x), name(x))
			}
			continue
		}
		out = append(out, x)
	}
	return out, nil
}

func (c *Content) maxTypeID() int64 {
	var m int64
	for _, t := range types {
		if t.since <= c.Version {
			m = max(m, t.id)
		}
	}
	return m
}

func (c *Content) checkTypes(t *testing.T, s *mlmd.Store) {
	t.Helper()
	ctx := t.Context()
	maxID := c.maxTypeID()
	at, err := s.GetArtifactTypes(ctx)
	if err == nil {
		at, err = onlyFixtureTypes(at, func(x mlmd.ArtifactType) int64 { return x.ID }, func(x mlmd.ArtifactType) string { return x.Name }, maxID)
	}
	if err != nil {
		t.Fatalf("artifact types: %v", err)
	}
	slices.SortFunc(at, func(a, b mlmd.ArtifactType) int { return int(a.ID - b.ID) })
	if !slices.EqualFunc(at, c.ArtifactTypes, artifactTypeEqual) {
		fail(t, "artifact types", at, c.ArtifactTypes)
	}
	et, err := s.GetExecutionTypes(ctx)
	if err == nil {
		et, err = onlyFixtureTypes(et, func(x mlmd.ExecutionType) int64 { return x.ID }, func(x mlmd.ExecutionType) string { return x.Name }, maxID)
	}
	if err != nil {
		t.Fatalf("execution types: %v", err)
	}
	slices.SortFunc(et, func(a, b mlmd.ExecutionType) int { return int(a.ID - b.ID) })
	if !slices.EqualFunc(et, c.ExecutionTypes, executionTypeEqual) {
		fail(t, "execution types", et, c.ExecutionTypes)
	}
	ct, err := s.GetContextTypes(ctx)
	if err != nil {
		t.Fatalf("context types: %v", err)
	}
	slices.SortFunc(ct, func(a, b mlmd.ContextType) int { return int(a.ID - b.ID) })
	if !slices.EqualFunc(ct, c.ContextTypes, contextTypeEqual) {
		fail(t, "context types", ct, c.ContextTypes)
	}
	// By name and version, as clients look types up.
	for _, want := range c.ArtifactTypes {
		got, err := s.GetArtifactType(ctx, want.Name, want.Version)
		if err != nil || !artifactTypeEqual(got, want) {
			fail(t, fmt.Sprintf("artifact type %q/%q (err %v)", want.Name, want.Version, err), got, want)
		}
	}
	for _, want := range c.ExecutionTypes {
		got, err := s.GetExecutionType(ctx, want.Name, want.Version)
		if err != nil || !executionTypeEqual(got, want) {
			fail(t, fmt.Sprintf("execution type %q/%q (err %v)", want.Name, want.Version, err), got, want)
		}
	}
	for _, want := range c.ContextTypes {
		got, err := s.GetContextType(ctx, want.Name, want.Version)
		if err != nil || !contextTypeEqual(got, want) {
			fail(t, fmt.Sprintf("context type %q/%q (err %v)", want.Name, want.Version, err), got, want)
		}
	}
}

func artifactTypeEqual(a, b mlmd.ArtifactType) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Version == b.Version && a.Description == b.Description &&
		a.ExternalID == b.ExternalID && maps.Equal(a.Properties, b.Properties) && a.BaseType == b.BaseType
}

func executionTypeEqual(a, b mlmd.ExecutionType) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Version == b.Version && a.Description == b.Description &&
		a.ExternalID == b.ExternalID && maps.Equal(a.Properties, b.Properties) && a.BaseType == b.BaseType &&
		a.InputType == b.InputType && a.OutputType == b.OutputType
}

func contextTypeEqual(a, b mlmd.ContextType) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Version == b.Version && a.Description == b.Description &&
		a.ExternalID == b.ExternalID && maps.Equal(a.Properties, b.Properties)
}

func propsEqual(a, b mlmd.Properties) bool {
	return maps.EqualFunc(a, b, mlmd.Value.Equal)
}

func artifactEqual(a, b mlmd.Artifact) bool {
	return a.ID == b.ID && a.TypeID == b.TypeID && a.Type == b.Type && a.Name == b.Name && a.URI == b.URI &&
		a.ExternalID == b.ExternalID && a.State == b.State && propsEqual(a.Properties, b.Properties) &&
		propsEqual(a.CustomProperties, b.CustomProperties) && a.CreateTimeSinceEpoch == b.CreateTimeSinceEpoch &&
		a.LastUpdateTimeSinceEpoch == b.LastUpdateTimeSinceEpoch
}

func executionEqual(a, b mlmd.Execution) bool {
	return a.ID == b.ID && a.TypeID == b.TypeID && a.Type == b.Type && a.Name == b.Name &&
		a.ExternalID == b.ExternalID && a.LastKnownState == b.LastKnownState && propsEqual(a.Properties, b.Properties) &&
		propsEqual(a.CustomProperties, b.CustomProperties) && a.CreateTimeSinceEpoch == b.CreateTimeSinceEpoch &&
		a.LastUpdateTimeSinceEpoch == b.LastUpdateTimeSinceEpoch
}

func contextEqual(a, b mlmd.Context) bool {
	return a.ID == b.ID && a.TypeID == b.TypeID && a.Type == b.Type && a.Name == b.Name &&
		a.ExternalID == b.ExternalID && propsEqual(a.Properties, b.Properties) &&
		propsEqual(a.CustomProperties, b.CustomProperties) && a.CreateTimeSinceEpoch == b.CreateTimeSinceEpoch &&
		a.LastUpdateTimeSinceEpoch == b.LastUpdateTimeSinceEpoch
}

func (c *Content) checkNodes(t *testing.T, s *mlmd.Store) {
	t.Helper()
	ctx := t.Context()
	arts, _, err := s.GetArtifacts(ctx, &mlmd.ListOptions{OrderBy: mlmd.OrderByID})
	if err != nil {
		t.Fatalf("artifacts: %v", err)
	}
	compareList(t, "artifacts", arts, c.Artifacts, artifactEqual)
	exes, _, err := s.GetExecutions(ctx, &mlmd.ListOptions{OrderBy: mlmd.OrderByID})
	if err != nil {
		t.Fatalf("executions: %v", err)
	}
	compareList(t, "executions", exes, c.Executions, executionEqual)
	ctxs, _, err := s.GetContexts(ctx, &mlmd.ListOptions{OrderBy: mlmd.OrderByID})
	if err != nil {
		t.Fatalf("contexts: %v", err)
	}
	compareList(t, "contexts", ctxs, c.Contexts, contextEqual)
	// And by id, the read path the other listings do not take.
	byID, err := s.GetArtifactsByID(ctx, ids(c.Artifacts, func(a mlmd.Artifact) int64 { return a.ID }))
	if err != nil {
		t.Fatalf("artifacts by id: %v", err)
	}
	slices.SortFunc(byID, func(a, b mlmd.Artifact) int { return int(a.ID - b.ID) })
	compareList(t, "artifacts by id", byID, c.Artifacts, artifactEqual)
}

func ids[T any](xs []T, id func(T) int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// compareList compares two lists item by item and names each difference.
func compareList[T any](t *testing.T, what string, got, want []T, eq func(a, b T) bool) {
	t.Helper()
	if len(got) != len(want) {
		fail(t, fmt.Sprintf("%s: %d, want %d", what, len(got), len(want)), got, want)
		return
	}
	for i := range got {
		if !eq(got[i], want[i]) {
			fail(t, fmt.Sprintf("%s[%d]", what, i), got[i], want[i])
		}
	}
}

func (c *Content) checkEvents(t *testing.T, s *mlmd.Store) {
	t.Helper()
	ctx := t.Context()
	for _, by := range []struct {
		name string
		get  func() ([]mlmd.Event, error)
	}{
		{"by artifact", func() ([]mlmd.Event, error) {
			return s.GetEventsByArtifactIDs(ctx, ids(c.Artifacts, func(a mlmd.Artifact) int64 { return a.ID }))
		}},
		{"by execution", func() ([]mlmd.Event, error) {
			return s.GetEventsByExecutionIDs(ctx, ids(c.Executions, func(e mlmd.Execution) int64 { return e.ID }))
		}},
	} {
		got, err := by.get()
		if err != nil {
			t.Fatalf("events %s: %v", by.name, err)
		}
		g, w := renderEvents(got), renderEvents(c.Events)
		if !slices.Equal(g, w) {
			fail(t, "events "+by.name, g, w)
		}
	}
}

// renderEvents writes events as sorted text lines, for an order-free
// comparison.
func renderEvents(evs []mlmd.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		var p []string
		for _, s := range e.Path {
			if s.IsKey {
				p = append(p, fmt.Sprintf("key:%q", s.Key))
			} else {
				p = append(p, fmt.Sprintf("index:%d", s.Index))
			}
		}
		out[i] = fmt.Sprintf("artifact %d execution %d type %v time %d path [%s]", e.ArtifactID, e.ExecutionID, e.Type,
			e.MillisecondsSinceEpoch, strings.Join(p, " "))
	}
	slices.Sort(out)
	return out
}

func (c *Content) checkLinks(t *testing.T, s *mlmd.Store) {
	t.Helper()
	ctx := t.Context()
	for _, cx := range c.Contexts {
		var wantArts, wantExes, wantParents, wantChildren []int64
		for _, a := range c.Attributions {
			if a.ContextID == cx.ID {
				wantArts = append(wantArts, a.ArtifactID)
			}
		}
		for _, a := range c.Associations {
			if a.ContextID == cx.ID {
				wantExes = append(wantExes, a.ExecutionID)
			}
		}
		for _, p := range c.ParentContexts {
			if p.ChildID == cx.ID {
				wantParents = append(wantParents, p.ParentID)
			}
			if p.ParentID == cx.ID {
				wantChildren = append(wantChildren, p.ChildID)
			}
		}
		arts, _, err := s.GetArtifactsByContext(ctx, cx.ID, nil)
		if err != nil {
			t.Fatalf("artifacts of context %d: %v", cx.ID, err)
		}
		wantIDs(t, fmt.Sprintf("artifacts of context %d", cx.ID), ids(arts, func(a mlmd.Artifact) int64 { return a.ID }), wantArts)
		exes, _, err := s.GetExecutionsByContext(ctx, cx.ID, nil)
		if err != nil {
			t.Fatalf("executions of context %d: %v", cx.ID, err)
		}
		wantIDs(t, fmt.Sprintf("executions of context %d", cx.ID), ids(exes, func(e mlmd.Execution) int64 { return e.ID }), wantExes)
		parents, err := s.GetParentContextsByContext(ctx, cx.ID)
		if err != nil {
			t.Fatalf("parents of context %d: %v", cx.ID, err)
		}
		wantIDs(t, fmt.Sprintf("parents of context %d", cx.ID), ids(parents, func(c mlmd.Context) int64 { return c.ID }), wantParents)
		children, err := s.GetChildrenContextsByContext(ctx, cx.ID)
		if err != nil {
			t.Fatalf("children of context %d: %v", cx.ID, err)
		}
		wantIDs(t, fmt.Sprintf("children of context %d", cx.ID), ids(children, func(c mlmd.Context) int64 { return c.ID }), wantChildren)
	}
	for _, a := range c.Artifacts {
		var want []int64
		for _, l := range c.Attributions {
			if l.ArtifactID == a.ID {
				want = append(want, l.ContextID)
			}
		}
		got, err := s.GetContextsByArtifact(ctx, a.ID)
		if err != nil {
			t.Fatalf("contexts of artifact %d: %v", a.ID, err)
		}
		wantIDs(t, fmt.Sprintf("contexts of artifact %d", a.ID), ids(got, func(c mlmd.Context) int64 { return c.ID }), want)
	}
	for _, e := range c.Executions {
		var want []int64
		for _, l := range c.Associations {
			if l.ExecutionID == e.ID {
				want = append(want, l.ContextID)
			}
		}
		got, err := s.GetContextsByExecution(ctx, e.ID)
		if err != nil {
			t.Fatalf("contexts of execution %d: %v", e.ID, err)
		}
		wantIDs(t, fmt.Sprintf("contexts of execution %d", e.ID), ids(got, func(c mlmd.Context) int64 { return c.ID }), want)
	}
}

func wantIDs(t *testing.T, what string, got, want []int64) {
	t.Helper()
	g, w := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(g, w) {
		t.Errorf("%s: %v, want %v", what, g, w)
	}
}
