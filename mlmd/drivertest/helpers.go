package drivertest

// Helpers shared by the cases: kind-generic views of types and nodes, so
// that one table test covers artifacts, executions and contexts, and
// comparisons that report differences field by field.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

// ---- error codes -------------------------------------------------------------

// wantCode fails the test unless err has the given code (OK for nil).
func wantCode(t *testing.T, err error, code mlmd.Code, what string) {
	t.Helper()
	if got := mlmd.CodeOf(err); got != code {
		t.Fatalf("%s: got error %v (code %v), want code %v", what, err, got, code)
	}
}

// ok fails the test if err is not nil.
func ok(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// ---- types -------------------------------------------------------------------

// gtype is a type of any kind.
type gtype struct {
	ID          int64
	Name        string
	Version     string
	Description string
	ExternalID  string
	Props       map[string]mlmd.PropertyType
	// Base is the base type enum (artifact or execution), 0 for none.
	Base int32
}

func props(kv ...any) map[string]mlmd.PropertyType {
	m := map[string]mlmd.PropertyType{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(mlmd.PropertyType)
	}
	return m
}

// typeKind gives kind-generic access to the type API.
type typeKind struct {
	name  string
	put   func(t *testing.T, s *mlmd.Store, ty gtype, o *mlmd.TypeOptions) (int64, error)
	get   func(t *testing.T, s *mlmd.Store, name, version string) (gtype, error)
	all   func(t *testing.T, s *mlmd.Store) ([]gtype, error)
	byID  func(t *testing.T, s *mlmd.Store, ids []int64) ([]gtype, error)
	byExt func(t *testing.T, s *mlmd.Store, ext []string) ([]gtype, error)
	// hasBase says whether the kind has base types.
	hasBase bool
}

func fromArtifactType(x mlmd.ArtifactType) gtype {
	return gtype{x.ID, x.Name, x.Version, x.Description, x.ExternalID, x.Properties, int32(x.BaseType)}
}

func toArtifactType(g gtype) mlmd.ArtifactType {
	return mlmd.ArtifactType{ID: g.ID, Name: g.Name, Version: g.Version, Description: g.Description,
		ExternalID: g.ExternalID, Properties: g.Props, BaseType: mlmd.ArtifactBaseType(g.Base)}
}

func fromExecutionType(x mlmd.ExecutionType) gtype {
	return gtype{x.ID, x.Name, x.Version, x.Description, x.ExternalID, x.Properties, int32(x.BaseType)}
}

func toExecutionType(g gtype) mlmd.ExecutionType {
	return mlmd.ExecutionType{ID: g.ID, Name: g.Name, Version: g.Version, Description: g.Description,
		ExternalID: g.ExternalID, Properties: g.Props, BaseType: mlmd.ExecutionBaseType(g.Base)}
}

func fromContextType(x mlmd.ContextType) gtype {
	return gtype{x.ID, x.Name, x.Version, x.Description, x.ExternalID, x.Properties, 0}
}

func toContextType(g gtype) mlmd.ContextType {
	return mlmd.ContextType{ID: g.ID, Name: g.Name, Version: g.Version, Description: g.Description,
		ExternalID: g.ExternalID, Properties: g.Props}
}

func mapAll[A, B any](xs []A, f func(A) B) []B {
	if xs == nil {
		return nil
	}
	out := make([]B, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// many adapts a Store getter of many values of one kind, as a method
// expression such as (*mlmd.Store).GetArtifactsByID, to the kind-generic
// form of typeKind and nodeKind.
func many[A, T, G any](get func(*mlmd.Store, context.Context, A) ([]T, error), from func(T) G) func(*testing.T, *mlmd.Store, A) ([]G, error) {
	return func(t *testing.T, s *mlmd.Store, a A) ([]G, error) {
		x, err := get(s, t.Context(), a)
		return mapAll(x, from), err
	}
}

// paged is many for listings, which also return a next page token.
func paged[A, T any](list func(*mlmd.Store, context.Context, A) ([]T, string, error), from func(T) gnode) func(*testing.T, *mlmd.Store, A) ([]gnode, string, error) {
	return func(t *testing.T, s *mlmd.Store, a A) ([]gnode, string, error) {
		x, tok, err := list(s, t.Context(), a)
		return mapAll(x, from), tok, err
	}
}

var (
	artifactTypes = typeKind{
		name:    "artifact",
		hasBase: true,
		put: func(t *testing.T, s *mlmd.Store, ty gtype, o *mlmd.TypeOptions) (int64, error) {
			return s.PutArtifactType(t.Context(), toArtifactType(ty), o)
		},
		get: func(t *testing.T, s *mlmd.Store, name, version string) (gtype, error) {
			x, err := s.GetArtifactType(t.Context(), name, version)
			return fromArtifactType(x), err
		},
		all: func(t *testing.T, s *mlmd.Store) ([]gtype, error) {
			x, err := s.GetArtifactTypes(t.Context())
			return mapAll(x, fromArtifactType), err
		},
		byID:  many((*mlmd.Store).GetArtifactTypesByID, fromArtifactType),
		byExt: many((*mlmd.Store).GetArtifactTypesByExternalIDs, fromArtifactType),
	}
	executionTypes = typeKind{
		name:    "execution",
		hasBase: true,
		put: func(t *testing.T, s *mlmd.Store, ty gtype, o *mlmd.TypeOptions) (int64, error) {
			return s.PutExecutionType(t.Context(), toExecutionType(ty), o)
		},
		get: func(t *testing.T, s *mlmd.Store, name, version string) (gtype, error) {
			x, err := s.GetExecutionType(t.Context(), name, version)
			return fromExecutionType(x), err
		},
		all: func(t *testing.T, s *mlmd.Store) ([]gtype, error) {
			x, err := s.GetExecutionTypes(t.Context())
			return mapAll(x, fromExecutionType), err
		},
		byID:  many((*mlmd.Store).GetExecutionTypesByID, fromExecutionType),
		byExt: many((*mlmd.Store).GetExecutionTypesByExternalIDs, fromExecutionType),
	}
	contextTypes = typeKind{
		name: "context",
		put: func(t *testing.T, s *mlmd.Store, ty gtype, o *mlmd.TypeOptions) (int64, error) {
			return s.PutContextType(t.Context(), toContextType(ty), o)
		},
		get: func(t *testing.T, s *mlmd.Store, name, version string) (gtype, error) {
			x, err := s.GetContextType(t.Context(), name, version)
			return fromContextType(x), err
		},
		all: func(t *testing.T, s *mlmd.Store) ([]gtype, error) {
			x, err := s.GetContextTypes(t.Context())
			return mapAll(x, fromContextType), err
		},
		byID:  many((*mlmd.Store).GetContextTypesByID, fromContextType),
		byExt: many((*mlmd.Store).GetContextTypesByExternalIDs, fromContextType),
	}
	typeKinds = []typeKind{artifactTypes, executionTypes, contextTypes}
)

// typeDiff describes how got differs from want ("" when equal).
func typeDiff(got, want gtype) string {
	var d []string
	if got.ID != want.ID {
		d = append(d, fmt.Sprintf("id %d, want %d", got.ID, want.ID))
	}
	if got.Name != want.Name || got.Version != want.Version {
		d = append(d, fmt.Sprintf("name/version %q/%q, want %q/%q", got.Name, got.Version, want.Name, want.Version))
	}
	if got.Description != want.Description {
		d = append(d, fmt.Sprintf("description %q, want %q", got.Description, want.Description))
	}
	if got.ExternalID != want.ExternalID {
		d = append(d, fmt.Sprintf("external id %q, want %q", got.ExternalID, want.ExternalID))
	}
	if !maps.Equal(got.Props, want.Props) {
		d = append(d, fmt.Sprintf("properties %v, want %v", got.Props, want.Props))
	}
	if got.Base != want.Base {
		d = append(d, fmt.Sprintf("base type %d, want %d", got.Base, want.Base))
	}
	return strings.Join(d, "; ")
}

func wantType(t *testing.T, got, want gtype, what string) {
	t.Helper()
	if d := typeDiff(got, want); d != "" {
		t.Errorf("%s: %s", what, d)
	}
}

// wantTypes compares two lists of types in any order (by id).
func wantTypes(t *testing.T, got, want []gtype, what string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d types %v, want %d %v", what, len(got), got, len(want), want)
		return
	}
	g, w := slices.Clone(got), slices.Clone(want)
	sort.Slice(g, func(i, j int) bool { return g[i].ID < g[j].ID })
	sort.Slice(w, func(i, j int) bool { return w[i].ID < w[j].ID })
	for i := range g {
		wantType(t, g[i], w[i], fmt.Sprintf("%s[%d]", what, i))
	}
}

// ---- nodes -------------------------------------------------------------------

// gnode is an artifact, execution or context.
type gnode struct {
	ID         int64
	TypeID     int64
	Type       string
	Name       string
	URI        string // artifacts only
	ExternalID string
	State      int32 // artifacts and executions only
	Props      mlmd.Properties
	Custom     mlmd.Properties
	Create     int64
	Update     int64
}

func fromArtifact(a mlmd.Artifact) gnode {
	return gnode{a.ID, a.TypeID, a.Type, a.Name, a.URI, a.ExternalID, int32(a.State), a.Properties, a.CustomProperties, a.CreateTimeSinceEpoch, a.LastUpdateTimeSinceEpoch}
}

func toArtifact(n gnode) mlmd.Artifact {
	return mlmd.Artifact{ID: n.ID, TypeID: n.TypeID, Type: n.Type, Name: n.Name, URI: n.URI, ExternalID: n.ExternalID,
		State: mlmd.ArtifactState(n.State), Properties: n.Props, CustomProperties: n.Custom,
		CreateTimeSinceEpoch: n.Create, LastUpdateTimeSinceEpoch: n.Update}
}

func fromExecution(e mlmd.Execution) gnode {
	return gnode{e.ID, e.TypeID, e.Type, e.Name, "", e.ExternalID, int32(e.LastKnownState), e.Properties, e.CustomProperties, e.CreateTimeSinceEpoch, e.LastUpdateTimeSinceEpoch}
}

func toExecution(n gnode) mlmd.Execution {
	return mlmd.Execution{ID: n.ID, TypeID: n.TypeID, Type: n.Type, Name: n.Name, ExternalID: n.ExternalID,
		LastKnownState: mlmd.ExecutionState(n.State), Properties: n.Props, CustomProperties: n.Custom,
		CreateTimeSinceEpoch: n.Create, LastUpdateTimeSinceEpoch: n.Update}
}

func fromContext(c mlmd.Context) gnode {
	return gnode{c.ID, c.TypeID, c.Type, c.Name, "", c.ExternalID, 0, c.Properties, c.CustomProperties, c.CreateTimeSinceEpoch, c.LastUpdateTimeSinceEpoch}
}

func toContext(n gnode) mlmd.Context {
	return mlmd.Context{ID: n.ID, TypeID: n.TypeID, Type: n.Type, Name: n.Name, ExternalID: n.ExternalID,
		Properties: n.Props, CustomProperties: n.Custom, CreateTimeSinceEpoch: n.Create, LastUpdateTimeSinceEpoch: n.Update}
}

// nodeKind gives kind-generic access to the node API.
type nodeKind struct {
	name  string
	types typeKind
	// needsName says whether nodes of the kind must have a name.
	needsName bool
	hasURI    bool
	hasState  bool
	// stateField is the update-mask path of the state ("" for none).
	stateField    string
	put           func(t *testing.T, s *mlmd.Store, ns []gnode, mask []string) ([]int64, error)
	byID          func(t *testing.T, s *mlmd.Store, ids []int64) ([]gnode, error)
	list          func(t *testing.T, s *mlmd.Store, o *mlmd.ListOptions) ([]gnode, string, error)
	byType        func(t *testing.T, s *mlmd.Store, name, version string, o *mlmd.ListOptions) ([]gnode, string, error)
	byTypeAndName func(t *testing.T, s *mlmd.Store, typeName, typeVersion, name string) (gnode, error)
	byExt         func(t *testing.T, s *mlmd.Store, ext []string) ([]gnode, error)
	// byContext lists the nodes linked to a context (nil for contexts).
	byContext func(t *testing.T, s *mlmd.Store, contextID int64, o *mlmd.ListOptions) ([]gnode, string, error)
	// link links nodes to a context (nil for contexts).
	link func(t *testing.T, s *mlmd.Store, contextID int64, ids ...int64) error
}

var (
	artifacts = nodeKind{
		name: "artifact", types: artifactTypes, hasURI: true, hasState: true, stateField: "state",
		put: func(t *testing.T, s *mlmd.Store, ns []gnode, mask []string) ([]int64, error) {
			return s.PutArtifacts(t.Context(), mapAll(ns, toArtifact), &mlmd.PutArtifactsOptions{UpdateMask: mask})
		},
		byID: many((*mlmd.Store).GetArtifactsByID, fromArtifact),
		list: paged((*mlmd.Store).GetArtifacts, fromArtifact),
		byType: func(t *testing.T, s *mlmd.Store, name, version string, o *mlmd.ListOptions) ([]gnode, string, error) {
			x, tok, err := s.GetArtifactsByType(t.Context(), name, version, o)
			return mapAll(x, fromArtifact), tok, err
		},
		byTypeAndName: func(t *testing.T, s *mlmd.Store, typeName, typeVersion, name string) (gnode, error) {
			x, err := s.GetArtifactByTypeAndName(t.Context(), typeName, typeVersion, name)
			return fromArtifact(x), err
		},
		byExt: many((*mlmd.Store).GetArtifactsByExternalIDs, fromArtifact),
		byContext: func(t *testing.T, s *mlmd.Store, contextID int64, o *mlmd.ListOptions) ([]gnode, string, error) {
			x, tok, err := s.GetArtifactsByContext(t.Context(), contextID, o)
			return mapAll(x, fromArtifact), tok, err
		},
		link: func(t *testing.T, s *mlmd.Store, contextID int64, ids ...int64) error {
			var as []mlmd.Attribution
			for _, id := range ids {
				as = append(as, mlmd.Attribution{ArtifactID: id, ContextID: contextID})
			}
			return s.PutAttributionsAndAssociations(t.Context(), as, nil)
		},
	}
	executions = nodeKind{
		name: "execution", types: executionTypes, hasState: true, stateField: "last_known_state",
		put: func(t *testing.T, s *mlmd.Store, ns []gnode, mask []string) ([]int64, error) {
			return s.PutExecutions(t.Context(), mapAll(ns, toExecution), &mlmd.PutExecutionsOptions{UpdateMask: mask})
		},
		byID: many((*mlmd.Store).GetExecutionsByID, fromExecution),
		list: paged((*mlmd.Store).GetExecutions, fromExecution),
		byType: func(t *testing.T, s *mlmd.Store, name, version string, o *mlmd.ListOptions) ([]gnode, string, error) {
			x, tok, err := s.GetExecutionsByType(t.Context(), name, version, o)
			return mapAll(x, fromExecution), tok, err
		},
		byTypeAndName: func(t *testing.T, s *mlmd.Store, typeName, typeVersion, name string) (gnode, error) {
			x, err := s.GetExecutionByTypeAndName(t.Context(), typeName, typeVersion, name)
			return fromExecution(x), err
		},
		byExt: many((*mlmd.Store).GetExecutionsByExternalIDs, fromExecution),
		byContext: func(t *testing.T, s *mlmd.Store, contextID int64, o *mlmd.ListOptions) ([]gnode, string, error) {
			x, tok, err := s.GetExecutionsByContext(t.Context(), contextID, o)
			return mapAll(x, fromExecution), tok, err
		},
		link: func(t *testing.T, s *mlmd.Store, contextID int64, ids ...int64) error {
			var as []mlmd.Association
			for _, id := range ids {
				as = append(as, mlmd.Association{ExecutionID: id, ContextID: contextID})
			}
			return s.PutAttributionsAndAssociations(t.Context(), nil, as)
		},
	}
	contexts = nodeKind{
		name: "context", types: contextTypes, needsName: true,
		put: func(t *testing.T, s *mlmd.Store, ns []gnode, mask []string) ([]int64, error) {
			return s.PutContexts(t.Context(), mapAll(ns, toContext), &mlmd.PutContextsOptions{UpdateMask: mask})
		},
		byID: many((*mlmd.Store).GetContextsByID, fromContext),
		list: paged((*mlmd.Store).GetContexts, fromContext),
		byType: func(t *testing.T, s *mlmd.Store, name, version string, o *mlmd.ListOptions) ([]gnode, string, error) {
			x, tok, err := s.GetContextsByType(t.Context(), name, version, o)
			return mapAll(x, fromContext), tok, err
		},
		byTypeAndName: func(t *testing.T, s *mlmd.Store, typeName, typeVersion, name string) (gnode, error) {
			x, err := s.GetContextByTypeAndName(t.Context(), typeName, typeVersion, name)
			return fromContext(x), err
		},
		byExt: many((*mlmd.Store).GetContextsByExternalIDs, fromContext),
	}
	nodeKinds = []nodeKind{artifacts, executions, contexts}
)

// mustType puts a type and returns its id.
func mustType(t *testing.T, s *mlmd.Store, k typeKind, ty gtype) int64 {
	t.Helper()
	id, err := k.put(t, s, ty, nil)
	ok(t, err, "put "+k.name+" type "+ty.Name)
	return id
}

// mustPut puts nodes and returns their ids.
func mustPut(t *testing.T, s *mlmd.Store, k nodeKind, ns ...gnode) []int64 {
	t.Helper()
	ids, err := k.put(t, s, ns, nil)
	ok(t, err, "put "+k.name+"s")
	if len(ids) != len(ns) {
		t.Fatalf("put %ss: got %d ids for %d nodes", k.name, len(ids), len(ns))
	}
	return ids
}

// mustGet reads one node by id.
func mustGet(t *testing.T, s *mlmd.Store, k nodeKind, id int64) gnode {
	t.Helper()
	got, err := k.byID(t, s, []int64{id})
	ok(t, err, "get "+k.name)
	if len(got) != 1 {
		t.Fatalf("get %s %d: got %d nodes", k.name, id, len(got))
	}
	return got[0]
}

// named returns n with a name if the kind needs one and n has none.
func (k nodeKind) named(n gnode, name string) gnode {
	if k.needsName && n.Name == "" {
		n.Name = name
	}
	return n
}

// ignore selects fields that a node comparison leaves out.
type ignore uint16

const (
	ignoreID ignore = 1 << iota
	ignoreType
	ignoreTimes
	ignoreURI
	ignoreProps
	ignoreExternalID
	ignoreTypeID
)

// nodeDiff describes how got differs from want ("" when equal).
func nodeDiff(got, want gnode, ig ignore) string {
	var d []string
	if ig&ignoreID == 0 && got.ID != want.ID {
		d = append(d, fmt.Sprintf("id %d, want %d", got.ID, want.ID))
	}
	if ig&ignoreTypeID == 0 && got.TypeID != want.TypeID {
		d = append(d, fmt.Sprintf("type id %d, want %d", got.TypeID, want.TypeID))
	}
	if ig&ignoreType == 0 && got.Type != want.Type {
		d = append(d, fmt.Sprintf("type %q, want %q", got.Type, want.Type))
	}
	if got.Name != want.Name {
		d = append(d, fmt.Sprintf("name %q, want %q", got.Name, want.Name))
	}
	if ig&ignoreURI == 0 && got.URI != want.URI {
		d = append(d, fmt.Sprintf("uri %q, want %q", got.URI, want.URI))
	}
	if ig&ignoreExternalID == 0 && got.ExternalID != want.ExternalID {
		d = append(d, fmt.Sprintf("external id %q, want %q", got.ExternalID, want.ExternalID))
	}
	if got.State != want.State {
		d = append(d, fmt.Sprintf("state %d, want %d", got.State, want.State))
	}
	if ig&ignoreProps == 0 {
		if pd := propsDiff(got.Props, want.Props); pd != "" {
			d = append(d, "properties: "+pd)
		}
	}
	if pd := propsDiff(got.Custom, want.Custom); pd != "" {
		d = append(d, "custom properties: "+pd)
	}
	if ig&ignoreTimes == 0 && (got.Create != want.Create || got.Update != want.Update) {
		d = append(d, fmt.Sprintf("times %d/%d, want %d/%d", got.Create, got.Update, want.Create, want.Update))
	}
	return strings.Join(d, "; ")
}

// propsDiff describes how got differs from want ("" when equal).
func propsDiff(got, want mlmd.Properties) string {
	var d []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[k]
		switch {
		case !ok:
			d = append(d, fmt.Sprintf("%q missing (want %v)", k, want[k]))
		case !g.Equal(want[k]):
			d = append(d, fmt.Sprintf("%q = %v, want %v", k, g, want[k]))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			d = append(d, fmt.Sprintf("unexpected %q = %v", k, got[k]))
		}
	}
	return strings.Join(d, ", ")
}

func wantNode(t *testing.T, got, want gnode, ig ignore, what string) {
	t.Helper()
	if d := nodeDiff(got, want, ig); d != "" {
		t.Errorf("%s: %s", what, d)
	}
}

// wantNodes compares two lists of nodes in order.
func wantNodes(t *testing.T, got, want []gnode, ig ignore, what string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d nodes, want %d (got ids %v, want ids %v)", what, len(got), len(want), nodeIDs(got), nodeIDs(want))
		return
	}
	for i := range got {
		wantNode(t, got[i], want[i], ig, fmt.Sprintf("%s[%d]", what, i))
	}
}

// wantNodesAnyOrder compares two lists of nodes in any order: each wanted
// node must match a distinct got node.
func wantNodesAnyOrder(t *testing.T, got, want []gnode, ig ignore, what string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d nodes, want %d (got ids %v, want ids %v)", what, len(got), len(want), nodeIDs(got), nodeIDs(want))
		return
	}
	used := make([]bool, len(got))
	for i, w := range want {
		found := false
		for j, g := range got {
			if !used[j] && nodeDiff(g, w, ig) == "" {
				used[j], found = true, true
				break
			}
		}
		if !found {
			var closest string
			for j, g := range got {
				if !used[j] {
					closest = nodeDiff(g, w, ig)
					break
				}
			}
			t.Errorf("%s: no node matches want[%d] %+v (first unmatched differs: %s)", what, i, w, closest)
		}
	}
}

func nodeIDs(ns []gnode) []int64 {
	ids := make([]int64, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return ids
}

// typeNamed returns a type with a name and properties.
func typeNamed(name string, p map[string]mlmd.PropertyType) gtype {
	return gtype{Name: name, Props: p}
}

// str, i64, f64 and boolean build property values.
func str(s string) mlmd.Value   { return mlmd.StringValue(s) }
func i64(i int64) mlmd.Value    { return mlmd.IntValue(i) }
func f64(f float64) mlmd.Value  { return mlmd.DoubleValue(f) }
func boolean(b bool) mlmd.Value { return mlmd.BoolValue(b) }

// pv builds Properties from name/value pairs.
func pv(kv ...any) mlmd.Properties {
	p := mlmd.Properties{}
	for i := 0; i < len(kv); i += 2 {
		p[kv[i].(string)] = kv[i+1].(mlmd.Value)
	}
	return p
}
