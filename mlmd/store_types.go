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

// contextTypeFromRow converts a context type's row; context types have no
// base type.
func contextTypeFromRow(r driver.TypeRow, _ string) ContextType {
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
			// MLMD's wording, with the property instead of both types'
			// protos.
			return nil, errcode.New(errcode.AlreadyExists,
				"Conflicting property value type found in stored and given types: stored_type: name: %q, property %q: %s; given type: property %q: %s",
				stored.Name, name, PropertyType(want), name, PropertyType(got))
		}
	}
	if omitted > 0 && !opts.CanOmitFields {
		return nil, errcode.New(errcode.AlreadyExists,
			"can_omit_fields is false while stored type has more properties: stored type: name: %q, %d properties not given", stored.Name, omitted)
	}
	if len(stored.Properties)-omitted == len(given.Properties) {
		return nil, nil
	}
	if !opts.CanAddFields {
		return nil, errcode.New(errcode.AlreadyExists,
			"can_add_fields is false while the given type has more properties: stored_type: name: %q", stored.Name)
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
// and returns their ids. Its phases: check the specs, read the stored
// types they name once, create or update each, link the base types.
func upsertTypes(ctx context.Context, tx driver.Tx, kind driver.Kind, specs []typeSpec, opts TypeOptions) ([]int64, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	names, err := specNames(specs)
	if err != nil {
		return nil, err
	}
	u := &typeUpsert{tx: tx, kind: kind, opts: opts}
	if err := u.load(ctx, names); err != nil {
		return nil, err
	}
	ids := make([]int64, len(specs))
	for i, sp := range specs {
		t, err := u.put(ctx, sp)
		if err != nil {
			return nil, err
		}
		if err := u.linkBase(ctx, t, sp.base); err != nil {
			return nil, err
		}
		ids[i] = t.ID
	}
	if len(u.links) > 0 {
		if err := tx.SetParentTypes(ctx, u.links); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// specNames checks the specs and returns the names and versions of the
// types they name, their base types included, each once.
func specNames(specs []typeSpec) ([]driver.NameVersion, error) {
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
	return names, nil
}

// typeUpsert is the state of one upsertTypes call.
type typeUpsert struct {
	tx   driver.Tx
	kind driver.Kind
	opts TypeOptions

	byKey  map[nameVersion]*driver.TypeRow // the types by name and version, stored or inserted
	nameOf map[int64]string                // type names by id, for the parents of the types
	links  []driver.ParentTypeRow          // parent links to add
}

// load reads the stored types of names and the names of their parents.
func (u *typeUpsert) load(ctx context.Context, names []driver.NameVersion) error {
	stored, err := u.tx.FindTypes(ctx, driver.TypeQuery{Kind: u.kind, Names: names})
	if err != nil {
		return err
	}
	// The names of the stored types' parents, to check base types; the
	// types inserted later are added.
	if u.nameOf, err = typeNames(ctx, u.tx, u.kind, stored); err != nil {
		return err
	}
	u.byKey = make(map[nameVersion]*driver.TypeRow, len(stored))
	for i := range stored {
		r := stored[i]
		r.Properties = maps.Clone(r.Properties)
		r.ParentIDs = slices.Clone(r.ParentIDs)
		u.byKey[nameVersion{r.Name, r.Version}] = &r
	}
	return nil
}

// insert creates the type r.
func (u *typeUpsert) insert(ctx context.Context, r driver.TypeRow) (*driver.TypeRow, error) {
	if err := checkNoUnknownProperty(r.Name, r.Properties); err != nil {
		return nil, err
	}
	id, err := u.tx.InsertType(ctx, r)
	if err != nil {
		return nil, errcode.Annotate(err, "type %q", r.Name)
	}
	r.ID = id
	r.Properties = maps.Clone(r.Properties)
	r.ParentIDs = nil
	u.byKey[nameVersion{r.Name, r.Version}] = &r
	u.nameOf[id] = r.Name
	return &r, nil
}

// put creates the type of sp, or checks it against the stored one and adds
// what MLMD lets a put add (properties, the external id).
func (u *typeUpsert) put(ctx context.Context, sp typeSpec) (*driver.TypeRow, error) {
	t := u.byKey[nameVersion{sp.row.Name, sp.row.Version}]
	if t == nil {
		return u.insert(ctx, sp.row)
	}
	add, err := checkTypeFields(*t, sp.row, u.opts)
	if err != nil {
		return nil, err
	}
	if len(add) > 0 {
		if err := checkNoUnknownProperty(t.Name, add); err != nil {
			return nil, err
		}
		if err := u.tx.AddTypeProperties(ctx, t.ID, add); err != nil {
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
		if err := u.tx.UpdateType(ctx, upd); err != nil {
			return nil, errcode.Annotate(err, "type %q", t.Name)
		}
		t.ExternalID = sp.row.ExternalID
	}
	return t, nil
}

// linkBase makes the type named base (created if missing) the parent of
// t, when t has no parent yet; a different base of a stored type is
// Unimplemented, as in MLMD.
func (u *typeUpsert) linkBase(ctx context.Context, t *driver.TypeRow, base string) error {
	if base == "" {
		return nil
	}
	if len(t.ParentIDs) > 0 {
		if !slices.ContainsFunc(t.ParentIDs, func(p int64) bool { return u.nameOf[p] == base }) {
			return errcode.New(errcode.Unimplemented, "type %q: base_type update is not supported yet", t.Name)
		}
		return nil
	}
	b := u.byKey[nameVersion{base, ""}]
	if b == nil {
		var err error
		if b, err = u.insert(ctx, driver.TypeRow{Kind: u.kind, Name: base}); err != nil {
			return err
		}
	}
	u.links = append(u.links, driver.ParentTypeRow{TypeID: t.ID, ParentTypeID: b.ID})
	t.ParentIDs = append(t.ParentIDs, b.ID)
	return nil
}

// checkNoUnknownProperty rejects properties of type UNKNOWN, which a
// stored type cannot have.
func checkNoUnknownProperty(typeName string, props map[string]int32) error {
	for name, pt := range props {
		if pt == int32(PropertyUnknown) {
			return invalid("type %q: property %q has type UNKNOWN", typeName, name)
		}
	}
	return nil
}

// typeNames returns the names of the given types and of their parent
// types, by type id; the parents not among rows are read in one driver
// call.
func typeNames(ctx context.Context, tx driver.Tx, kind driver.Kind, rows []driver.TypeRow) (map[int64]string, error) {
	names := make(map[int64]string, len(rows))
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
	return names, nil
}

// baseNames returns, for each of the given types, the name of its parent
// type (its base type) if it has one.
func baseNames(ctx context.Context, tx driver.Tx, kind driver.Kind, rows []driver.TypeRow) (map[int64]string, error) {
	names, err := typeNames(ctx, tx, kind, rows)
	if err != nil {
		return nil, err
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

// typeLookup finds types of one kind in a transaction, with the names of
// their base types by type id (see baseNames): the question of a type
// getter.
type typeLookup func(ctx context.Context, tx driver.Tx) ([]driver.TypeRow, map[int64]string, error)

// allTypes finds every type of a kind, ordered by id. Without withSystem,
// MLMD's system base types (artifact and execution types) are left out.
func allTypes(kind driver.Kind, withSystem bool) typeLookup {
	return func(ctx context.Context, tx driver.Tx) ([]driver.TypeRow, map[int64]string, error) {
		rows, bases, err := findTypes(ctx, tx, driver.TypeQuery{Kind: kind})
		if err == nil && !withSystem && kind != driver.KindContext {
			rows = slices.DeleteFunc(rows, func(r driver.TypeRow) bool { return systemTypeNames[r.Name] })
		}
		return rows, bases, err
	}
}

// typesByID finds the types with the given ids; unknown ids are skipped.
func typesByID(kind driver.Kind, ids []int64) typeLookup {
	return func(ctx context.Context, tx driver.Tx) ([]driver.TypeRow, map[int64]string, error) {
		ids := dedupIDs(ids)
		if len(ids) == 0 {
			return nil, nil, nil
		}
		return findTypes(ctx, tx, driver.TypeQuery{Kind: kind, IDs: ids})
	}
}

// typesByExternalID finds types by external ids: none for no ids,
// NotFound when none of them exists (as MLMD).
func typesByExternalID(kind driver.Kind, externalIDs []string) typeLookup {
	return func(ctx context.Context, tx driver.Tx) ([]driver.TypeRow, map[int64]string, error) {
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
}

// typeByName finds the type of a kind with a name and version: one type,
// or NotFound.
func typeByName(kind driver.Kind, name, version string) typeLookup {
	return func(ctx context.Context, tx driver.Tx) ([]driver.TypeRow, map[int64]string, error) {
		rows, bases, err := findTypes(ctx, tx, driver.TypeQuery{Kind: kind, Names: []driver.NameVersion{{Name: name, Version: version}}})
		if err != nil {
			return nil, nil, err
		}
		if len(rows) == 0 {
			return nil, nil, errcode.New(errcode.NotFound, "no %s type named %q with version %q", Kind(kind), name, version)
		}
		return rows[:1], bases, nil
	}
}

// queryTypes runs a lookup in tx and converts the types it finds with
// from, which is given each type's row and base type name.
func queryTypes[T any](ctx context.Context, tx driver.Tx, lookup typeLookup, from func(driver.TypeRow, string) T) ([]T, error) {
	rows, bases, err := lookup(ctx, tx)
	if err != nil {
		return nil, err
	}
	var out []T
	for _, r := range rows {
		out = append(out, from(r, bases[r.ID]))
	}
	return out, nil
}

// readTypes answers a type getter: queryTypes in a read transaction.
func readTypes[T any](ctx context.Context, s *Store, op string, lookup typeLookup, from func(driver.TypeRow, string) T) ([]T, error) {
	var out []T
	err := s.readOne(ctx, op, func(tx driver.Tx) (err error) {
		out, err = queryTypes(ctx, tx, lookup, from)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readType answers a getter of one type, whose lookup finds one type or
// fails.
func readType[T any](ctx context.Context, s *Store, op string, lookup typeLookup, from func(driver.TypeRow, string) T) (T, error) {
	ts, err := readTypes(ctx, s, op, lookup, from)
	if err != nil {
		var zero T
		return zero, err
	}
	return ts[0], nil
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

// putType puts one type (see upsertTypes) in its own transaction and
// returns its id.
func (s *Store) putType(ctx context.Context, op string, sp typeSpec, opts *TypeOptions) (int64, error) {
	var id int64
	err := s.writeUnlessUnchanged(ctx, op, func(tx driver.Tx, _ int64) error {
		ids, err := upsertTypes(ctx, tx, sp.row.Kind, []typeSpec{sp}, typeOpts(opts))
		if err != nil {
			return err
		}
		id = ids[0]
		return nil
	})
	return id, err
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
	sp, err := artifactTypeSpec(t)
	if err != nil {
		return 0, wrapErr("PutArtifactType", err)
	}
	return s.putType(ctx, "PutArtifactType", sp, opts)
}

// PutExecutionType is PutArtifactType for execution types. InputType and
// OutputType are stored when the type is created.
func (s *Store) PutExecutionType(ctx context.Context, t ExecutionType, opts *TypeOptions) (int64, error) {
	sp, err := executionTypeSpec(t)
	if err != nil {
		return 0, wrapErr("PutExecutionType", err)
	}
	return s.putType(ctx, "PutExecutionType", sp, opts)
}

// PutContextType is PutArtifactType for context types.
func (s *Store) PutContextType(ctx context.Context, t ContextType, opts *TypeOptions) (int64, error) {
	return s.putType(ctx, "PutContextType", contextTypeSpec(t), opts)
}

// PutTypes puts many types of all kinds in one transaction: all succeed or
// none is stored.
func (s *Store) PutTypes(ctx context.Context, types Types, opts *TypeOptions) (PutTypesResult, error) {
	var art, exe, con []typeSpec
	for _, t := range types.ArtifactTypes {
		sp, err := artifactTypeSpec(t)
		if err != nil {
			return PutTypesResult{}, wrapErr("PutTypes", err)
		}
		art = append(art, sp)
	}
	for _, t := range types.ExecutionTypes {
		sp, err := executionTypeSpec(t)
		if err != nil {
			return PutTypesResult{}, wrapErr("PutTypes", err)
		}
		exe = append(exe, sp)
	}
	for _, t := range types.ContextTypes {
		con = append(con, contextTypeSpec(t))
	}
	o := typeOpts(opts)
	var res PutTypesResult
	err := s.writeUnlessUnchanged(ctx, "PutTypes", func(tx driver.Tx, _ int64) error {
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
	return readType(ctx, s, "GetArtifactType", typeByName(driver.KindArtifact, name, version), artifactTypeFromRow)
}

// GetExecutionType returns the execution type with the given name and
// version. Errors: NotFound.
func (s *Store) GetExecutionType(ctx context.Context, name, version string) (ExecutionType, error) {
	return readType(ctx, s, "GetExecutionType", typeByName(driver.KindExecution, name, version), executionTypeFromRow)
}

// GetContextType returns the context type with the given name and version.
// Errors: NotFound.
func (s *Store) GetContextType(ctx context.Context, name, version string) (ContextType, error) {
	return readType(ctx, s, "GetContextType", typeByName(driver.KindContext, name, version), contextTypeFromRow)
}

// GetArtifactTypes returns every artifact type, except MLMD's system base
// types, ordered by id.
func (s *Store) GetArtifactTypes(ctx context.Context) ([]ArtifactType, error) {
	return readTypes(ctx, s, "GetArtifactTypes", allTypes(driver.KindArtifact, false), artifactTypeFromRow)
}

// GetExecutionTypes returns every execution type, except MLMD's system
// base types, ordered by id.
func (s *Store) GetExecutionTypes(ctx context.Context) ([]ExecutionType, error) {
	return readTypes(ctx, s, "GetExecutionTypes", allTypes(driver.KindExecution, false), executionTypeFromRow)
}

// GetContextTypes returns every context type, ordered by id.
func (s *Store) GetContextTypes(ctx context.Context) ([]ContextType, error) {
	return readTypes(ctx, s, "GetContextTypes", allTypes(driver.KindContext, false), contextTypeFromRow)
}

// GetArtifactTypesByID returns the artifact types with the given ids;
// unknown ids are skipped.
func (s *Store) GetArtifactTypesByID(ctx context.Context, ids []int64) ([]ArtifactType, error) {
	return readTypes(ctx, s, "GetArtifactTypesByID", typesByID(driver.KindArtifact, ids), artifactTypeFromRow)
}

// GetExecutionTypesByID returns the execution types with the given ids;
// unknown ids are skipped.
func (s *Store) GetExecutionTypesByID(ctx context.Context, ids []int64) ([]ExecutionType, error) {
	return readTypes(ctx, s, "GetExecutionTypesByID", typesByID(driver.KindExecution, ids), executionTypeFromRow)
}

// GetContextTypesByID returns the context types with the given ids;
// unknown ids are skipped.
func (s *Store) GetContextTypesByID(ctx context.Context, ids []int64) ([]ContextType, error) {
	return readTypes(ctx, s, "GetContextTypesByID", typesByID(driver.KindContext, ids), contextTypeFromRow)
}

// GetArtifactTypesByExternalIDs returns the artifact types with the given
// external ids. Errors, as in MLMD: InvalidArgument if one of them is
// empty, NotFound if none of them exists.
func (s *Store) GetArtifactTypesByExternalIDs(ctx context.Context, externalIDs []string) ([]ArtifactType, error) {
	return readTypes(ctx, s, "GetArtifactTypesByExternalIDs", typesByExternalID(driver.KindArtifact, externalIDs), artifactTypeFromRow)
}

// GetExecutionTypesByExternalIDs returns the execution types with the given
// external ids. Errors as GetArtifactTypesByExternalIDs.
func (s *Store) GetExecutionTypesByExternalIDs(ctx context.Context, externalIDs []string) ([]ExecutionType, error) {
	return readTypes(ctx, s, "GetExecutionTypesByExternalIDs", typesByExternalID(driver.KindExecution, externalIDs), executionTypeFromRow)
}

// GetContextTypesByExternalIDs returns the context types with the given
// external ids. Errors as GetArtifactTypesByExternalIDs.
func (s *Store) GetContextTypesByExternalIDs(ctx context.Context, externalIDs []string) ([]ContextType, error) {
	return readTypes(ctx, s, "GetContextTypesByExternalIDs", typesByExternalID(driver.KindContext, externalIDs), contextTypeFromRow)
}
