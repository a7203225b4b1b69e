package mlmd

// Types: PutArtifactType and friends, with MLMD's upsert rules, and the
// type getters.

import (
	"context"
	"maps"
	"slices"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// The system-defined base types. MLMD stores them as ordinary types named
// "mlmd.Dataset" etc. (without properties or version) and links a type to
// its base type with a ParentType row; the base types themselves are not
// listed by GetArtifactTypes / GetExecutionTypes.
var (
	artifactBaseNames = map[ArtifactBaseType]string{
		ArtifactBaseDataset:    "mlmd.Dataset",
		ArtifactBaseModel:      "mlmd.Model",
		ArtifactBaseMetrics:    "mlmd.Metrics",
		ArtifactBaseStatistics: "mlmd.Statistics",
	}
	executionBaseNames = map[ExecutionBaseType]string{
		ExecutionBaseTrain:     "mlmd.Train",
		ExecutionBaseTransform: "mlmd.Transform",
		ExecutionBaseProcess:   "mlmd.Process",
		ExecutionBaseEvaluate:  "mlmd.Evaluate",
		ExecutionBaseDeploy:    "mlmd.Deploy",
	}
	systemTypeNames = func() map[string]bool {
		m := map[string]bool{}
		for _, n := range artifactBaseNames {
			m[n] = true
		}
		for _, n := range executionBaseNames {
			m[n] = true
		}
		return m
	}()
)

func artifactBaseOf(name string) ArtifactBaseType {
	for b, n := range artifactBaseNames {
		if n == name {
			return b
		}
	}
	return ArtifactBaseUnset
}

func executionBaseOf(name string) ExecutionBaseType {
	for b, n := range executionBaseNames {
		if n == name {
			return b
		}
	}
	return ExecutionBaseUnset
}

// typeSpec is a type to put: its row and the name of the system base type
// it should be linked to ("" for none).
type typeSpec struct {
	row  driver.TypeRow
	base string
}

func propsToRow(p map[string]PropertyType) map[string]int32 {
	if len(p) == 0 {
		return nil
	}
	m := make(map[string]int32, len(p))
	for k, v := range p {
		m[k] = int32(v)
	}
	return m
}

func propsFromRow(p map[string]int32) map[string]PropertyType {
	if len(p) == 0 {
		return nil
	}
	m := make(map[string]PropertyType, len(p))
	for k, v := range p {
		m[k] = PropertyType(v)
	}
	return m
}

func artifactTypeSpec(t ArtifactType) (typeSpec, error) {
	sp := typeSpec{row: driver.TypeRow{Kind: driver.KindArtifact, Name: t.Name, Version: t.Version,
		Description: t.Description, ExternalID: t.ExternalID, Properties: propsToRow(t.Properties)}}
	if t.BaseType != ArtifactBaseUnset {
		n, ok := artifactBaseNames[t.BaseType]
		if !ok {
			return sp, invalid("artifact type %q: unknown base type %d", t.Name, int32(t.BaseType))
		}
		sp.base = n
	}
	return sp, nil
}

func executionTypeSpec(t ExecutionType) (typeSpec, error) {
	sp := typeSpec{row: driver.TypeRow{Kind: driver.KindExecution, Name: t.Name, Version: t.Version,
		Description: t.Description, ExternalID: t.ExternalID, InputType: t.InputType, OutputType: t.OutputType,
		Properties: propsToRow(t.Properties)}}
	if t.BaseType != ExecutionBaseUnset {
		n, ok := executionBaseNames[t.BaseType]
		if !ok {
			return sp, invalid("execution type %q: unknown base type %d", t.Name, int32(t.BaseType))
		}
		sp.base = n
	}
	return sp, nil
}

func contextTypeSpec(t ContextType) typeSpec {
	return typeSpec{row: driver.TypeRow{Kind: driver.KindContext, Name: t.Name, Version: t.Version,
		Description: t.Description, ExternalID: t.ExternalID, Properties: propsToRow(t.Properties)}}
}

func artifactTypeFromRow(r driver.TypeRow, base string) ArtifactType {
	return ArtifactType{ID: r.ID, Name: r.Name, Version: r.Version, Description: r.Description,
		ExternalID: r.ExternalID, Properties: propsFromRow(r.Properties), BaseType: artifactBaseOf(base)}
}

func executionTypeFromRow(r driver.TypeRow, base string) ExecutionType {
	return ExecutionType{ID: r.ID, Name: r.Name, Version: r.Version, Description: r.Description,
		ExternalID: r.ExternalID, Properties: propsFromRow(r.Properties), BaseType: executionBaseOf(base),
		InputType: r.InputType, OutputType: r.OutputType}
}

func contextTypeFromRow(r driver.TypeRow) ContextType {
	return ContextType{ID: r.ID, Name: r.Name, Version: r.Version, Description: r.Description,
		ExternalID: r.ExternalID, Properties: propsFromRow(r.Properties)}
}

// checkTypeFields applies MLMD's consistency rules between a stored type
// and a given one with the same name and version, and returns the
// properties to add to the stored type. Errors are AlreadyExists.
func checkTypeFields(stored, given driver.TypeRow, opts TypeOptions) (map[string]int32, error) {
	omitted := 0
	for _, name := range slices.Sorted(maps.Keys(stored.Properties)) {
		want := stored.Properties[name]
		got, ok := given.Properties[name]
		if !ok {
			omitted++
			continue
		}
		if got != want {
			return nil, errcode.New(errcode.AlreadyExists,
				"type %q already exists with property %q of type %s, not %s",
				stored.Name, name, PropertyType(want), PropertyType(got))
		}
	}
	if omitted > 0 && !opts.CanOmitFields {
		return nil, errcode.New(errcode.AlreadyExists,
			"type %q already exists with %d more properties than given, and CanOmitFields is not set", stored.Name, omitted)
	}
	if len(stored.Properties)-omitted == len(given.Properties) {
		return nil, nil
	}
	if !opts.CanAddFields {
		return nil, errcode.New(errcode.AlreadyExists,
			"type %q already exists without some of the given properties, and CanAddFields is not set", stored.Name)
	}
	add := map[string]int32{}
	for name, pt := range given.Properties {
		if _, ok := stored.Properties[name]; !ok {
			add[name] = pt
		}
	}
	return add, nil
}

type nameVersion struct{ name, version string }

// upsertTypes puts types of one kind with MLMD's rules, in order (a later
// type with the name and version of an earlier one is checked against it),
// and returns their ids.
func upsertTypes(ctx context.Context, tx driver.Tx, kind driver.Kind, specs []typeSpec, opts TypeOptions) ([]int64, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	var names []driver.NameVersion
	seen := map[nameVersion]bool{}
	addName := func(name, version string) {
		k := nameVersion{name, version}
		if !seen[k] {
			seen[k] = true
			names = append(names, driver.NameVersion{Name: name, Version: version})
		}
	}
	for i, sp := range specs {
		if sp.row.Name == "" {
			return nil, invalid("type %d: no type name is given", i)
		}
		for name, pt := range sp.row.Properties {
			if pt < int32(PropertyUnknown) || pt > int32(PropertyBool) {
				return nil, invalid("type %q: property %q has an unknown property type %d", sp.row.Name, name, pt)
			}
		}
		addName(sp.row.Name, sp.row.Version)
		if sp.base != "" {
			addName(sp.base, "")
		}
	}
	stored, err := tx.FindTypes(ctx, driver.TypeQuery{Kind: kind, Names: names})
	if err != nil {
		return nil, err
	}
	byKey := map[nameVersion]*driver.TypeRow{}
	byID := map[int64]*driver.TypeRow{}
	remember := func(r *driver.TypeRow) {
		byKey[nameVersion{r.Name, r.Version}] = r
		byID[r.ID] = r
	}
	for i := range stored {
		r := stored[i]
		r.Properties = maps.Clone(r.Properties)
		r.ParentIDs = slices.Clone(r.ParentIDs)
		remember(&r)
	}
	// The names of the parents of stored types, to check base types.
	var missing []int64
	for _, r := range stored {
		for _, p := range r.ParentIDs {
			if byID[p] == nil {
				missing = append(missing, p)
			}
		}
	}
	if len(missing) > 0 {
		parents, err := tx.FindTypes(ctx, driver.TypeQuery{Kind: kind, IDs: dedupIDs(missing)})
		if err != nil {
			return nil, err
		}
		for i := range parents {
			p := parents[i]
			if byKey[nameVersion{p.Name, p.Version}] == nil {
				remember(&p)
			} else {
				byID[p.ID] = &p
			}
		}
	}

	insert := func(r driver.TypeRow) (*driver.TypeRow, error) {
		for name, pt := range r.Properties {
			if pt == int32(PropertyUnknown) {
				return nil, invalid("type %q: property %q has type UNKNOWN", r.Name, name)
			}
		}
		id, err := tx.InsertType(ctx, r)
		if err != nil {
			return nil, errcode.Annotate(err, "type %q", r.Name)
		}
		r.ID = id
		r.Properties = maps.Clone(r.Properties)
		r.ParentIDs = nil
		remember(&r)
		return &r, nil
	}

	ids := make([]int64, len(specs))
	var links []driver.ParentTypeRow
	for i, sp := range specs {
		t := byKey[nameVersion{sp.row.Name, sp.row.Version}]
		if t == nil {
			if t, err = insert(sp.row); err != nil {
				return nil, err
			}
		} else {
			add, err := checkTypeFields(*t, sp.row, opts)
			if err != nil {
				return nil, err
			}
			if len(add) > 0 {
				for name, pt := range add {
					if pt == int32(PropertyUnknown) {
						return nil, invalid("type %q: property %q has type UNKNOWN", t.Name, name)
					}
				}
				if err := tx.AddTypeProperties(ctx, t.ID, add); err != nil {
					return nil, errcode.Annotate(err, "type %q", t.Name)
				}
				if t.Properties == nil {
					t.Properties = map[string]int32{}
				}
				maps.Copy(t.Properties, add)
			}
			if t.ExternalID != sp.row.ExternalID {
				upd := *t
				upd.ExternalID = sp.row.ExternalID
				if err := tx.UpdateType(ctx, upd); err != nil {
					return nil, errcode.Annotate(err, "type %q", t.Name)
				}
				t.ExternalID = sp.row.ExternalID
			}
		}
		if sp.base != "" {
			if len(t.ParentIDs) == 0 {
				base := byKey[nameVersion{sp.base, ""}]
				if base == nil {
					if base, err = insert(driver.TypeRow{Kind: kind, Name: sp.base}); err != nil {
						return nil, err
					}
				}
				links = append(links, driver.ParentTypeRow{TypeID: t.ID, ParentTypeID: base.ID})
				t.ParentIDs = append(t.ParentIDs, base.ID)
			} else {
				same := false
				for _, p := range t.ParentIDs {
					if pr := byID[p]; pr != nil && pr.Name == sp.base {
						same = true
					}
				}
				if !same {
					return nil, errcode.New(errcode.Unimplemented, "type %q: base_type update is not supported yet", t.Name)
				}
			}
		}
		ids[i] = t.ID
	}
	if len(links) > 0 {
		if err := tx.SetParentTypes(ctx, links); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// baseNames returns, for each of the given types, the name of its parent
// type (its base type) if it has one.
func baseNames(ctx context.Context, tx driver.Tx, kind driver.Kind, rows []driver.TypeRow) (map[int64]string, error) {
	names := map[int64]string{}
	for _, r := range rows {
		names[r.ID] = r.Name
	}
	var missing []int64
	for _, r := range rows {
		for _, p := range r.ParentIDs {
			if _, ok := names[p]; !ok {
				missing = append(missing, p)
			}
		}
	}
	if len(missing) > 0 {
		parents, err := tx.FindTypes(ctx, driver.TypeQuery{Kind: kind, IDs: dedupIDs(missing)})
		if err != nil {
			return nil, err
		}
		for _, p := range parents {
			names[p.ID] = p.Name
		}
	}
	out := map[int64]string{}
	for _, r := range rows {
		for _, p := range r.ParentIDs {
			if n := names[p]; systemTypeNames[n] {
				out[r.ID] = n
				break
			}
		}
	}
	return out, nil
}

// findTypes runs a type query and resolves the base types.
func findTypes(ctx context.Context, tx driver.Tx, q driver.TypeQuery) ([]driver.TypeRow, map[int64]string, error) {
	rows, err := tx.FindTypes(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	if q.Kind == driver.KindContext {
		return rows, nil, nil
	}
	bases, err := baseNames(ctx, tx, q.Kind, rows)
	if err != nil {
		return nil, nil, err
	}
	return rows, bases, nil
}

// checkExternalIDs applies MLMD's rule for lookups by external id: an
// empty external id is InvalidArgument.
func checkExternalIDs(ids []string) error {
	for _, id := range ids {
		if id == "" {
			return invalid("an empty external id was given")
		}
	}
	return nil
}

// typesByExternalID finds types by external ids: none for no ids,
// NotFound when none of them exists (as MLMD).
func typesByExternalID(ctx context.Context, tx driver.Tx, kind driver.Kind, externalIDs []string) ([]driver.TypeRow, map[int64]string, error) {
	if err := checkExternalIDs(externalIDs); err != nil {
		return nil, nil, err
	}
	if len(externalIDs) == 0 {
		return nil, nil, nil
	}
	rows, bases, err := findTypes(ctx, tx, driver.TypeQuery{Kind: kind, ExternalIDs: externalIDs})
	if err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, errcode.New(errcode.NotFound, "no %s types found for the given external ids", Kind(kind))
	}
	return rows, bases, nil
}

// typeByName finds the type of a kind with a name and version.
func typeByName(ctx context.Context, tx driver.Tx, kind driver.Kind, name, version string) (driver.TypeRow, map[int64]string, error) {
	rows, bases, err := findTypes(ctx, tx, driver.TypeQuery{Kind: kind, Names: []driver.NameVersion{{Name: name, Version: version}}})
	if err != nil {
		return driver.TypeRow{}, nil, err
	}
	if len(rows) == 0 {
		return driver.TypeRow{}, nil, errcode.New(errcode.NotFound, "no %s type named %q with version %q", Kind(kind), name, version)
	}
	return rows[0], bases, nil
}

// initSimpleTypes stores the system base types, as MLMD does when it opens
// a store. Stores opened at the same time over one database may race to
// create them; the loser finds them on its next attempt.
func (s *Store) initSimpleTypes(ctx context.Context) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = s.upsertSimpleTypes(ctx)
		if c := errcode.Of(err); c != errcode.AlreadyExists && c != errcode.Aborted {
			return err
		}
	}
	return err
}

func (s *Store) upsertSimpleTypes(ctx context.Context) error {
	return s.writeUnlessUnchanged(ctx, "store the system base types", func(tx driver.Tx, _ int64) error {
		all := TypeOptions{CanAddFields: true, CanOmitFields: true}
		var art, exe []typeSpec
		for _, b := range []ArtifactBaseType{ArtifactBaseDataset, ArtifactBaseModel, ArtifactBaseMetrics, ArtifactBaseStatistics} {
			art = append(art, typeSpec{row: driver.TypeRow{Kind: driver.KindArtifact, Name: artifactBaseNames[b]}})
		}
		for _, b := range []ExecutionBaseType{ExecutionBaseTrain, ExecutionBaseTransform, ExecutionBaseProcess, ExecutionBaseEvaluate, ExecutionBaseDeploy} {
			exe = append(exe, typeSpec{row: driver.TypeRow{Kind: driver.KindExecution, Name: executionBaseNames[b]}})
		}
		if _, err := upsertTypes(ctx, tx, driver.KindArtifact, art, all); err != nil {
			return err
		}
		_, err := upsertTypes(ctx, tx, driver.KindExecution, exe, all)
		return err
	})
}

func typeOpts(opts *TypeOptions) TypeOptions {
	if opts == nil {
		return TypeOptions{}
	}
	return *opts
}

// ---- Public API -------------------------------------------------------------

// PutArtifactType inserts an artifact type, or checks and evolves a stored
// type with the same name and version (see TypeOptions), and returns its id.
// A BaseType links the type to MLMD's system base type; changing the base
// type of a stored type is Unimplemented, as in MLMD, and BaseType unset
// leaves a stored link alone. Errors: InvalidArgument for a missing name or
// an UNKNOWN property type, AlreadyExists when the stored type is
// incompatible or the external id is taken.
func (s *Store) PutArtifactType(ctx context.Context, t ArtifactType, opts *TypeOptions) (int64, error) {
	var id int64
	err := s.writeUnlessUnchanged(ctx, "PutArtifactType", func(tx driver.Tx, _ int64) error {
		sp, err := artifactTypeSpec(t)
		if err != nil {
			return err
		}
		ids, err := upsertTypes(ctx, tx, driver.KindArtifact, []typeSpec{sp}, typeOpts(opts))
		if err != nil {
			return err
		}
		id = ids[0]
		return nil
	})
	return id, err
}

// PutExecutionType is PutArtifactType for execution types. InputType and
// OutputType are stored when the type is created.
func (s *Store) PutExecutionType(ctx context.Context, t ExecutionType, opts *TypeOptions) (int64, error) {
	var id int64
	err := s.writeUnlessUnchanged(ctx, "PutExecutionType", func(tx driver.Tx, _ int64) error {
		sp, err := executionTypeSpec(t)
		if err != nil {
			return err
		}
		ids, err := upsertTypes(ctx, tx, driver.KindExecution, []typeSpec{sp}, typeOpts(opts))
		if err != nil {
			return err
		}
		id = ids[0]
		return nil
	})
	return id, err
}

// PutContextType is PutArtifactType for context types.
func (s *Store) PutContextType(ctx context.Context, t ContextType, opts *TypeOptions) (int64, error) {
	var id int64
	err := s.writeUnlessUnchanged(ctx, "PutContextType", func(tx driver.Tx, _ int64) error {
		ids, err := upsertTypes(ctx, tx, driver.KindContext, []typeSpec{contextTypeSpec(t)}, typeOpts(opts))
		if err != nil {
			return err
		}
		id = ids[0]
		return nil
	})
	return id, err
}

// PutTypes puts many types of all kinds in one transaction: all succeed or
// none is stored.
func (s *Store) PutTypes(ctx context.Context, types Types, opts *TypeOptions) (PutTypesResult, error) {
	var res PutTypesResult
	err := s.writeUnlessUnchanged(ctx, "PutTypes", func(tx driver.Tx, _ int64) error {
		o := typeOpts(opts)
		var art, exe, con []typeSpec
		for _, t := range types.ArtifactTypes {
			sp, err := artifactTypeSpec(t)
			if err != nil {
				return err
			}
			art = append(art, sp)
		}
		for _, t := range types.ExecutionTypes {
			sp, err := executionTypeSpec(t)
			if err != nil {
				return err
			}
			exe = append(exe, sp)
		}
		for _, t := range types.ContextTypes {
			con = append(con, contextTypeSpec(t))
		}
		var err error
		res = PutTypesResult{}
		if res.ArtifactTypeIDs, err = upsertTypes(ctx, tx, driver.KindArtifact, art, o); err != nil {
			return err
		}
		if res.ExecutionTypeIDs, err = upsertTypes(ctx, tx, driver.KindExecution, exe, o); err != nil {
			return err
		}
		res.ContextTypeIDs, err = upsertTypes(ctx, tx, driver.KindContext, con, o)
		return err
	})
	if err != nil {
		return PutTypesResult{}, err
	}
	return res, nil
}

// GetArtifactType returns the artifact type with the given name and version
// ("" for none). Errors: NotFound.
func (s *Store) GetArtifactType(ctx context.Context, name, version string) (ArtifactType, error) {
	var out ArtifactType
	err := s.read(ctx, "GetArtifactType", func(tx driver.Tx) error {
		r, bases, err := typeByName(ctx, tx, driver.KindArtifact, name, version)
		out = artifactTypeFromRow(r, bases[r.ID])
		return err
	})
	if err != nil {
		return ArtifactType{}, err
	}
	return out, nil
}

// GetExecutionType returns the execution type with the given name and
// version. Errors: NotFound.
func (s *Store) GetExecutionType(ctx context.Context, name, version string) (ExecutionType, error) {
	var out ExecutionType
	err := s.read(ctx, "GetExecutionType", func(tx driver.Tx) error {
		r, bases, err := typeByName(ctx, tx, driver.KindExecution, name, version)
		out = executionTypeFromRow(r, bases[r.ID])
		return err
	})
	if err != nil {
		return ExecutionType{}, err
	}
	return out, nil
}

// GetContextType returns the context type with the given name and version.
// Errors: NotFound.
func (s *Store) GetContextType(ctx context.Context, name, version string) (ContextType, error) {
	var out ContextType
	err := s.read(ctx, "GetContextType", func(tx driver.Tx) error {
		r, _, err := typeByName(ctx, tx, driver.KindContext, name, version)
		out = contextTypeFromRow(r)
		return err
	})
	if err != nil {
		return ContextType{}, err
	}
	return out, nil
}

// GetArtifactTypes returns every artifact type, except MLMD's system base
// types, ordered by id.
func (s *Store) GetArtifactTypes(ctx context.Context) ([]ArtifactType, error) {
	var out []ArtifactType
	err := s.read(ctx, "GetArtifactTypes", func(tx driver.Tx) error {
		rows, bases, err := findTypes(ctx, tx, driver.TypeQuery{Kind: driver.KindArtifact})
		out = nil
		for _, r := range rows {
			if !systemTypeNames[r.Name] {
				out = append(out, artifactTypeFromRow(r, bases[r.ID]))
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetExecutionTypes returns every execution type, except MLMD's system
// base types, ordered by id.
func (s *Store) GetExecutionTypes(ctx context.Context) ([]ExecutionType, error) {
	var out []ExecutionType
	err := s.read(ctx, "GetExecutionTypes", func(tx driver.Tx) error {
		rows, bases, err := findTypes(ctx, tx, driver.TypeQuery{Kind: driver.KindExecution})
		out = nil
		for _, r := range rows {
			if !systemTypeNames[r.Name] {
				out = append(out, executionTypeFromRow(r, bases[r.ID]))
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetContextTypes returns every context type, ordered by id.
func (s *Store) GetContextTypes(ctx context.Context) ([]ContextType, error) {
	var out []ContextType
	err := s.read(ctx, "GetContextTypes", func(tx driver.Tx) error {
		rows, _, err := findTypes(ctx, tx, driver.TypeQuery{Kind: driver.KindContext})
		out = nil
		for _, r := range rows {
			out = append(out, contextTypeFromRow(r))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetArtifactTypesByID returns the artifact types with the given ids;
// unknown ids are skipped.
func (s *Store) GetArtifactTypesByID(ctx context.Context, ids []int64) ([]ArtifactType, error) {
	var out []ArtifactType
	err := s.read(ctx, "GetArtifactTypesByID", func(tx driver.Tx) error {
		out = nil
		if ids = dedupIDs(ids); len(ids) == 0 {
			return nil
		}
		rows, bases, err := findTypes(ctx, tx, driver.TypeQuery{Kind: driver.KindArtifact, IDs: ids})
		for _, r := range rows {
			out = append(out, artifactTypeFromRow(r, bases[r.ID]))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetExecutionTypesByID returns the execution types with the given ids;
// unknown ids are skipped.
func (s *Store) GetExecutionTypesByID(ctx context.Context, ids []int64) ([]ExecutionType, error) {
	var out []ExecutionType
	err := s.read(ctx, "GetExecutionTypesByID", func(tx driver.Tx) error {
		out = nil
		if ids = dedupIDs(ids); len(ids) == 0 {
			return nil
		}
		rows, bases, err := findTypes(ctx, tx, driver.TypeQuery{Kind: driver.KindExecution, IDs: ids})
		for _, r := range rows {
			out = append(out, executionTypeFromRow(r, bases[r.ID]))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetContextTypesByID returns the context types with the given ids;
// unknown ids are skipped.
func (s *Store) GetContextTypesByID(ctx context.Context, ids []int64) ([]ContextType, error) {
	var out []ContextType
	err := s.read(ctx, "GetContextTypesByID", func(tx driver.Tx) error {
		out = nil
		if ids = dedupIDs(ids); len(ids) == 0 {
			return nil
		}
		rows, _, err := findTypes(ctx, tx, driver.TypeQuery{Kind: driver.KindContext, IDs: ids})
		for _, r := range rows {
			out = append(out, contextTypeFromRow(r))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetArtifactTypesByExternalIDs returns the artifact types with the given
// external ids. Errors, as in MLMD: InvalidArgument if one of them is
// empty, NotFound if none of them exists.
func (s *Store) GetArtifactTypesByExternalIDs(ctx context.Context, externalIDs []string) ([]ArtifactType, error) {
	var out []ArtifactType
	err := s.read(ctx, "GetArtifactTypesByExternalIDs", func(tx driver.Tx) error {
		rows, bases, err := typesByExternalID(ctx, tx, driver.KindArtifact, externalIDs)
		out = nil
		for _, r := range rows {
			out = append(out, artifactTypeFromRow(r, bases[r.ID]))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetExecutionTypesByExternalIDs returns the execution types with the given
// external ids. Errors as GetArtifactTypesByExternalIDs.
func (s *Store) GetExecutionTypesByExternalIDs(ctx context.Context, externalIDs []string) ([]ExecutionType, error) {
	var out []ExecutionType
	err := s.read(ctx, "GetExecutionTypesByExternalIDs", func(tx driver.Tx) error {
		rows, bases, err := typesByExternalID(ctx, tx, driver.KindExecution, externalIDs)
		out = nil
		for _, r := range rows {
			out = append(out, executionTypeFromRow(r, bases[r.ID]))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetContextTypesByExternalIDs returns the context types with the given
// external ids. Errors as GetArtifactTypesByExternalIDs.
func (s *Store) GetContextTypesByExternalIDs(ctx context.Context, externalIDs []string) ([]ContextType, error) {
	var out []ContextType
	err := s.read(ctx, "GetContextTypesByExternalIDs", func(tx driver.Tx) error {
		rows, _, err := typesByExternalID(ctx, tx, driver.KindContext, externalIDs)
		out = nil
		for _, r := range rows {
			out = append(out, contextTypeFromRow(r))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
