package mlmdgen

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd"
)

// FromStore reads the types registered in store into a Spec: all of them,
// or those named in names (of any kind). A name that matches no type is an
// error. The Spec lists the types sorted by kind, name and version, and
// their properties by name.
func FromStore(ctx context.Context, store *mlmd.Store, names []string) (*Spec, error) {
	arts, err := store.GetArtifactTypes(ctx)
	if err != nil {
		return nil, fmt.Errorf("read artifact types: %w", err)
	}
	execs, err := store.GetExecutionTypes(ctx)
	if err != nil {
		return nil, fmt.Errorf("read execution types: %w", err)
	}
	ctxs, err := store.GetContextTypes(ctx)
	if err != nil {
		return nil, fmt.Errorf("read context types: %w", err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = false
	}
	keep := func(name string) bool {
		if len(names) == 0 {
			return true
		}
		if _, ok := want[name]; ok {
			want[name] = true
			return true
		}
		return false
	}
	spec := &Spec{}
	for _, t := range arts {
		if keep(t.Name) {
			spec.Types = append(spec.Types, &TypeDecl{Kind: mlmd.KindArtifact, Name: t.Name, Version: t.Version,
				Description: t.Description, ExternalID: t.ExternalID, ArtifactBase: t.BaseType,
				Properties: propertiesOf(t.Properties)})
		}
	}
	for _, t := range execs {
		if keep(t.Name) {
			spec.Types = append(spec.Types, &TypeDecl{Kind: mlmd.KindExecution, Name: t.Name, Version: t.Version,
				Description: t.Description, ExternalID: t.ExternalID, ExecutionBase: t.BaseType,
				Properties: propertiesOf(t.Properties)})
		}
	}
	for _, t := range ctxs {
		if keep(t.Name) {
			spec.Types = append(spec.Types, &TypeDecl{Kind: mlmd.KindContext, Name: t.Name, Version: t.Version,
				Description: t.Description, ExternalID: t.ExternalID, Properties: propertiesOf(t.Properties)})
		}
	}
	var missing []string
	for n, found := range want {
		if !found {
			missing = append(missing, fmt.Sprintf("%q", n))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("the store has no type named %s", strings.Join(missing, ", "))
	}
	if len(spec.Types) == 0 {
		return nil, fmt.Errorf("the store has no types")
	}
	sort.SliceStable(spec.Types, func(i, j int) bool { return typeLess(spec.Types[i], spec.Types[j]) })
	return spec, nil
}

func propertiesOf(m map[string]mlmd.PropertyType) []*PropertyDecl {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]*PropertyDecl, len(names))
	for i, n := range names {
		out[i] = &PropertyDecl{Name: n, Type: m[n]}
	}
	return out
}
