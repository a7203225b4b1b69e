package mlmdio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// ImportOptions are the options of Import. A nil *ImportOptions means the
// defaults.
type ImportOptions struct {
	// BatchSize is how many nodes or edges one write call carries (one
	// transaction each); 0 means 500.
	BatchSize int
	// Progress, if set, is called after each batch is written, with the
	// kind of the records and how many were written.
	Progress func(kind string, n int)
}

// maxLine bounds one line of the stream (a node with large properties).
const maxLine = 64 << 20

// ErrNotEmpty is returned (with code FailedPrecondition) by Import when
// the target store already holds nodes or types of its own.
var ErrNotEmpty = errcode.New(errcode.FailedPrecondition, "mlmdio: the target store is not empty")

// importer reads one stream into one store.
type importer struct {
	ctx   context.Context
	s     *mlmd.Store
	opts  ImportOptions
	stats Stats
	line  int

	// ids maps the stream's ids to the store's, per record kind of the
	// node or type.
	ids map[string]map[int64]int64

	// The pending batch: all its records are of kind pendingKind.
	pendingKind  string
	pending      []record
	pendingLines []int // the line of each pending record

	// created is what the import wrote, for the rollback: the store's ids
	// of the nodes and of the types it created (not the system types it
	// found).
	created      mlmd.NodeIDs
	createdTypes []createdType
	// wrote is set once the import sent its first write.
	wrote bool
}

// createdType is a type that Import created.
type createdType struct {
	kind mlmd.Kind
	id   int64
}

// Import reads a stream written by Export from r into s, which must be
// empty (no artifacts, executions, contexts or types other than MLMD's
// system types; else ErrNotEmpty). Nodes get new ids; every reference in
// the stream is remapped, so the lineage is the same. It returns the
// counts of what it wrote.
//
// Import writes in batches, one transaction each. If it fails after it
// began writing - a stream that turns out malformed or truncated halfway
// (an InvalidArgument error naming the line), a value the target backend
// cannot hold (an InvalidArgument error naming the node and the
// property), a lost connection - it deletes every node and type it wrote,
// so the store is empty again, and the error ends with "the import was
// rolled back". Only if that fails too does the store keep part of the
// stream; the error then says so: import into a fresh store.
//
// What is kept and what is not is listed in docs/export.md; in short,
// everything except the nodes' create and update times, which the store
// sets itself.
func Import(ctx context.Context, s *mlmd.Store, r io.Reader, opts *ImportOptions) (Stats, error) {
	im := &importer{ctx: ctx, s: s, stats: Stats{}, ids: map[string]map[int64]int64{}}
	if opts != nil {
		im.opts = *opts
	}
	if im.opts.BatchSize <= 0 {
		im.opts.BatchSize = 500
	}
	if err := im.run(r); err != nil {
		if errcode.Of(err) == errcode.Unknown {
			err = fmt.Errorf("mlmdio: import: %w", err)
		}
		return im.stats, im.rollback(err)
	}
	return im.stats, nil
}

// rollback deletes what the import wrote after it failed with err, and
// returns err with the outcome.
func (im *importer) rollback(err error) error {
	if !im.wrote {
		return err
	}
	// Also after a cancellation: the store must not keep half a stream.
	ctx := context.WithoutCancel(im.ctx)
	rerr := deleteAll(ctx, im.s, im.created, im.createdTypes)
	if rerr == nil {
		// A batch whose commit was lost with the connection wrote nodes
		// whose ids the import never got: make sure none is left.
		rerr = checkEmpty(ctx, im.s)
	}
	if rerr != nil {
		return errcode.Annotate(err, "mlmdio: the import failed, and rolling it back failed too (%v): the store holds part of the stream; import into a fresh store", rerr)
	}
	return fmt.Errorf("%w; the import was rolled back", err)
}

// deleteAll deletes nodes, in transactions of at most mlmd.MaxDeleteBatch
// nodes, artifacts first, and then types.
func deleteAll(ctx context.Context, s *mlmd.Store, nodes mlmd.NodeIDs, types []createdType) error {
	for _, ids := range []struct {
		ids  []int64
		wrap func([]int64) mlmd.NodeIDs
	}{
		{nodes.Artifacts, func(ids []int64) mlmd.NodeIDs { return mlmd.NodeIDs{Artifacts: ids} }},
		{nodes.Executions, func(ids []int64) mlmd.NodeIDs { return mlmd.NodeIDs{Executions: ids} }},
		{nodes.Contexts, func(ids []int64) mlmd.NodeIDs { return mlmd.NodeIDs{Contexts: ids} }},
	} {
		for chunk := range slices.Chunk(ids.ids, mlmd.MaxDeleteBatch) {
			if err := s.Delete(ctx, ids.wrap(chunk)); err != nil {
				return err
			}
		}
	}
	for _, t := range slices.Backward(types) {
		if err := s.DeleteType(ctx, t.kind, t.id); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) run(r io.Reader) error {
	if err := checkEmpty(im.ctx, im.s); err != nil {
		return err
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var end *record
	for sc.Scan() {
		im.line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if end != nil {
			return streamError(im.line, "data after the end record")
		}
		var rec record
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return streamError(im.line, "%v", err)
		}
		if im.line == 1 {
			if err := checkHeader(rec); err != nil {
				return streamError(im.line, "%v", err)
			}
			continue
		}
		if rec.Kind == KindEnd {
			if err := im.flush(); err != nil {
				return err
			}
			end = &rec
			continue
		}
		if err := im.add(rec); err != nil {
			return err
		}
		if err := im.ctx.Err(); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", im.line+1, err)
	}
	if im.line == 0 {
		return streamError(0, "empty stream: no header")
	}
	if end == nil {
		return streamError(im.line, "the stream is truncated: no end record")
	}
	for _, k := range slices.Sorted(maps.Keys(end.Counts)) {
		if end.Counts[k] != im.stats[k] {
			return streamError(im.line, "the end record counts %d %s records, the stream has %d", end.Counts[k], k, im.stats[k])
		}
	}
	for k, n := range im.stats {
		if end.Counts[k] != n {
			return streamError(im.line, "the end record counts %d %s records, the stream has %d", end.Counts[k], k, n)
		}
	}
	return nil
}

func checkHeader(h record) error {
	if h.Kind != KindHeader || h.Format != Format {
		return fmt.Errorf("not a %s stream: the first line must be its header", Format)
	}
	if h.FormatVersion != FormatVersion {
		return fmt.Errorf("format version %d is not supported (this build reads version %d)", h.FormatVersion, FormatVersion)
	}
	return nil
}

// checkEmpty fails with ErrNotEmpty if s holds a node or a type of its own.
func checkEmpty(ctx context.Context, s *mlmd.Store) error {
	one := &mlmd.ListOptions{MaxResultSize: 1}
	as, _, err := s.GetArtifacts(ctx, one)
	if err != nil {
		return err
	}
	xs, _, err := s.GetExecutions(ctx, one)
	if err != nil {
		return err
	}
	cs, _, err := s.GetContexts(ctx, one)
	if err != nil {
		return err
	}
	ats, err := s.GetArtifactTypes(ctx)
	if err != nil {
		return err
	}
	ets, err := s.GetExecutionTypes(ctx)
	if err != nil {
		return err
	}
	cts, err := s.GetContextTypes(ctx)
	if err != nil {
		return err
	}
	if n := len(as) + len(xs) + len(cs) + len(ats) + len(ets) + len(cts); n > 0 {
		return ErrNotEmpty
	}
	return nil
}

// add takes one record: types are written at once, nodes and edges are
// batched by kind.
func (im *importer) add(rec record) error {
	if !knownKinds[rec.Kind] {
		return streamError(im.line, "unknown record kind %q", rec.Kind)
	}
	switch rec.Kind {
	case KindArtifactType, KindExecutionType, KindContextType:
		if err := im.flush(); err != nil {
			return err
		}
		return im.putType(rec)
	}
	if rec.Kind != im.pendingKind || len(im.pending) >= im.opts.BatchSize {
		if err := im.flush(); err != nil {
			return err
		}
	}
	im.pendingKind = rec.Kind
	im.pending = append(im.pending, rec)
	im.pendingLines = append(im.pendingLines, im.line)
	return nil
}

// mapID returns the store's id of the stream's id of a kind.
func (im *importer) mapID(kind string, id int64, line int, what string) (int64, error) {
	n, ok := im.ids[kind][id]
	if !ok {
		return 0, streamError(line, "%s %d is not in the stream before this line", what, id)
	}
	return n, nil
}

func (im *importer) remember(kind string, old, new int64, line int) error {
	m := im.ids[kind]
	if m == nil {
		m = map[int64]int64{}
		im.ids[kind] = m
	}
	if _, dup := m[old]; dup {
		return streamError(line, "%s id %d appears twice", kind, old)
	}
	m[old] = new
	return nil
}

func (im *importer) count(kind string, n int) {
	im.stats[kind] += int64(n)
	if im.opts.Progress != nil {
		im.opts.Progress(kind, n)
	}
}

func (im *importer) putType(rec record) error {
	props, err := propertyTypesFromRecord(rec.PropertyTypes)
	if err != nil {
		return streamError(im.line, "%v", err)
	}
	kind := typeKinds[rec.Kind]
	existed, err := im.isSystemType(kind, rec)
	if err != nil {
		return err
	}
	var id int64
	im.wrote = true
	switch rec.Kind {
	case KindArtifactType:
		id, err = im.s.PutArtifactType(im.ctx, mlmd.ArtifactType{Name: rec.Name, Version: rec.Version,
			Description: rec.Description, ExternalID: rec.ExternalID, Properties: props,
			BaseType: mlmd.ArtifactBaseType(rec.BaseType)}, nil)
	case KindExecutionType:
		id, err = im.s.PutExecutionType(im.ctx, mlmd.ExecutionType{Name: rec.Name, Version: rec.Version,
			Description: rec.Description, ExternalID: rec.ExternalID, Properties: props,
			BaseType: mlmd.ExecutionBaseType(rec.BaseType), InputType: rec.InputType, OutputType: rec.OutputType}, nil)
	case KindContextType:
		id, err = im.s.PutContextType(im.ctx, mlmd.ContextType{Name: rec.Name, Version: rec.Version,
			Description: rec.Description, ExternalID: rec.ExternalID, Properties: props}, nil)
	}
	if err != nil {
		return im.writeError(rec.Kind, []record{rec}, []int{im.line}, err)
	}
	if !existed {
		im.createdTypes = append(im.createdTypes, createdType{kind, id})
	}
	if err := im.remember(rec.Kind, rec.ID, id, im.line); err != nil {
		return err
	}
	im.count(rec.Kind, 1)
	return nil
}

// typeKinds maps the type record kinds to the node kind of their nodes.
var typeKinds = map[string]mlmd.Kind{
	KindArtifactType: mlmd.KindArtifact, KindExecutionType: mlmd.KindExecution, KindContextType: mlmd.KindContext,
}

// isSystemType reports whether a type record names one of the store's
// system types (mlmd.Dataset, ...), which Export leaves out but an edited
// stream may hold: putting it changes nothing, and the rollback must not
// delete it. The store held no other type when the import began.
func (im *importer) isSystemType(kind mlmd.Kind, rec record) (bool, error) {
	if !strings.HasPrefix(rec.Name, "mlmd.") {
		return false, nil
	}
	var id int64
	var err error
	switch kind {
	case mlmd.KindArtifact:
		var t mlmd.ArtifactType
		t, err = im.s.GetArtifactType(im.ctx, rec.Name, rec.Version)
		id = t.ID
	case mlmd.KindExecution:
		var t mlmd.ExecutionType
		t, err = im.s.GetExecutionType(im.ctx, rec.Name, rec.Version)
		id = t.ID
	default:
		return false, nil
	}
	if errcode.Of(err) == errcode.NotFound {
		return false, nil
	}
	return id != 0, err
}

// writeError annotates the error of writing records (the batch
// pending before the lines given) with the lines; for an InvalidArgument
// error (the database could not hold a value), it names the first record
// and field that holds a value beyond the limits of MLMD's MySQL and
// PostgreSQL schemas.
func (im *importer) writeError(kind string, batch []record, lines []int, err error) error {
	switch errcode.Of(err) {
	case errcode.InvalidArgument:
		for i, rec := range batch {
			if what := beyondLimits(rec); what != "" {
				return errcode.Wrap(errcode.InvalidArgument, err, "mlmdio: line %d: %s, %s: the target store cannot hold it", lines[i], recordName(rec), what)
			}
		}
	case errcode.AlreadyExists:
		// The store was empty and the stream's nodes were distinct in the
		// exporting store: the target compares names differently.
		return errcode.Annotate(err, "mlmdio: import %s records up to line %d: the target store takes two names or external ids of the stream for the same one "+
			"(MySQL and MariaDB compare them ignoring case and trailing spaces)", kind, lines[len(lines)-1])
	}
	return errcode.Annotate(err, "mlmdio: import %s records up to line %d", kind, lines[len(lines)-1])
}

// flush writes the pending batch.
func (im *importer) flush() error {
	if len(im.pending) == 0 {
		return nil
	}
	batch, lines, kind := im.pending, im.pendingLines, im.pendingKind
	im.pending, im.pendingLines = im.pending[:0], im.pendingLines[:0]
	im.wrote = true
	var err error
	switch kind {
	case KindArtifact:
		err = im.putArtifacts(batch, lines)
	case KindExecution:
		err = im.putExecutions(batch, lines)
	case KindContext:
		err = im.putContexts(batch, lines)
	case KindEvent:
		err = im.putEvents(batch, lines)
	case KindAttribution, KindAssociation:
		err = im.putLinks(kind, batch, lines)
	case KindParentContext:
		err = im.putParents(batch, lines)
	default:
		err = streamError(lines[0], "unknown record kind %q", kind)
	}
	if err != nil {
		return err
	}
	im.count(kind, len(batch))
	return nil
}

// typeOf maps a node's type. Export leaves out MLMD's system types
// (mlmd.Dataset, ...), which every store has: a node of one of them is
// mapped by the type's name.
func (im *importer) typeOf(kind string, rec record, line int) (int64, error) {
	id, err := im.mapID(kind, rec.TypeID, line, "type_id")
	if err == nil || !strings.HasPrefix(rec.Type, "mlmd.") {
		return id, err
	}
	switch kind {
	case KindArtifactType:
		t, terr := im.s.GetArtifactType(im.ctx, rec.Type, "")
		id = t.ID
		err = terr
	case KindExecutionType:
		t, terr := im.s.GetExecutionType(im.ctx, rec.Type, "")
		id = t.ID
		err = terr
	}
	if err != nil || id == 0 {
		return 0, streamError(line, "type_id %d (%q) is not in the stream before this line, and not a system type of the store", rec.TypeID, rec.Type)
	}
	return id, im.remember(kind, rec.TypeID, id, line)
}

func (im *importer) putArtifacts(batch []record, lines []int) error {
	as := make([]mlmd.Artifact, len(batch))
	for i, rec := range batch {
		t, err := im.typeOf(KindArtifactType, rec, lines[i])
		if err != nil {
			return err
		}
		st, err := artifactState(rec.State)
		if err != nil {
			return streamError(lines[i], "artifact %d: %v", rec.ID, err)
		}
		as[i] = mlmd.Artifact{TypeID: t, Name: rec.Name, URI: rec.URI, ExternalID: rec.ExternalID, State: st,
			Properties: propsFromRecord(rec.Properties), CustomProperties: propsFromRecord(rec.CustomProperties)}
	}
	ids, err := im.s.PutArtifacts(im.ctx, as, nil)
	if err != nil {
		return im.writeError(KindArtifact, batch, lines, err)
	}
	im.created.Artifacts = append(im.created.Artifacts, ids...)
	return im.rememberAll(KindArtifact, batch, ids, lines)
}

func (im *importer) putExecutions(batch []record, lines []int) error {
	xs := make([]mlmd.Execution, len(batch))
	for i, rec := range batch {
		t, err := im.typeOf(KindExecutionType, rec, lines[i])
		if err != nil {
			return err
		}
		st, err := executionState(rec.State)
		if err != nil {
			return streamError(lines[i], "execution %d: %v", rec.ID, err)
		}
		xs[i] = mlmd.Execution{TypeID: t, Name: rec.Name, ExternalID: rec.ExternalID, LastKnownState: st,
			Properties: propsFromRecord(rec.Properties), CustomProperties: propsFromRecord(rec.CustomProperties)}
	}
	ids, err := im.s.PutExecutions(im.ctx, xs, nil)
	if err != nil {
		return im.writeError(KindExecution, batch, lines, err)
	}
	im.created.Executions = append(im.created.Executions, ids...)
	return im.rememberAll(KindExecution, batch, ids, lines)
}

func (im *importer) putContexts(batch []record, lines []int) error {
	cs := make([]mlmd.Context, len(batch))
	for i, rec := range batch {
		t, err := im.typeOf(KindContextType, rec, lines[i])
		if err != nil {
			return err
		}
		cs[i] = mlmd.Context{TypeID: t, Name: rec.Name, ExternalID: rec.ExternalID,
			Properties: propsFromRecord(rec.Properties), CustomProperties: propsFromRecord(rec.CustomProperties)}
	}
	ids, err := im.s.PutContexts(im.ctx, cs, nil)
	if err != nil {
		return im.writeError(KindContext, batch, lines, err)
	}
	im.created.Contexts = append(im.created.Contexts, ids...)
	return im.rememberAll(KindContext, batch, ids, lines)
}

func (im *importer) rememberAll(kind string, batch []record, ids []int64, lines []int) error {
	if len(ids) != len(batch) {
		return errcode.New(errcode.Internal, "mlmdio: %d %s ids for %d records", len(ids), kind, len(batch))
	}
	for i, rec := range batch {
		if err := im.remember(kind, rec.ID, ids[i], lines[i]); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) putEvents(batch []record, lines []int) error {
	evs := make([]mlmd.Event, len(batch))
	for i, rec := range batch {
		a, err := im.mapID(KindArtifact, rec.ArtifactID, lines[i], "event artifact_id")
		if err != nil {
			return err
		}
		x, err := im.mapID(KindExecution, rec.ExecutionID, lines[i], "event execution_id")
		if err != nil {
			return err
		}
		t, err := eventType(rec.EventType)
		if err != nil {
			return streamError(lines[i], "%v", err)
		}
		path, err := stepsFromRecord(rec.Path)
		if err != nil {
			return streamError(lines[i], "%v", err)
		}
		evs[i] = mlmd.Event{ArtifactID: a, ExecutionID: x, Type: t, Path: path, MillisecondsSinceEpoch: rec.Time}
	}
	if err := im.s.PutEvents(im.ctx, evs); err != nil {
		return im.writeError(KindEvent, batch, lines, err)
	}
	return nil
}

func (im *importer) putLinks(kind string, batch []record, lines []int) error {
	var attrs []mlmd.Attribution
	var assocs []mlmd.Association
	for i, rec := range batch {
		c, err := im.mapID(KindContext, rec.ContextID, lines[i], kind+" context_id")
		if err != nil {
			return err
		}
		if kind == KindAttribution {
			a, err := im.mapID(KindArtifact, rec.ArtifactID, lines[i], "attribution artifact_id")
			if err != nil {
				return err
			}
			attrs = append(attrs, mlmd.Attribution{ArtifactID: a, ContextID: c})
			continue
		}
		x, err := im.mapID(KindExecution, rec.ExecutionID, lines[i], "association execution_id")
		if err != nil {
			return err
		}
		assocs = append(assocs, mlmd.Association{ExecutionID: x, ContextID: c})
	}
	if err := im.s.PutAttributionsAndAssociations(im.ctx, attrs, assocs); err != nil {
		return im.writeError(kind, batch, lines, err)
	}
	return nil
}

func (im *importer) putParents(batch []record, lines []int) error {
	links := make([]mlmd.ParentContext, len(batch))
	for i, rec := range batch {
		c, err := im.mapID(KindContext, rec.ChildID, lines[i], "parent_context child_id")
		if err != nil {
			return err
		}
		p, err := im.mapID(KindContext, rec.ParentID, lines[i], "parent_context parent_id")
		if err != nil {
			return err
		}
		links[i] = mlmd.ParentContext{ChildID: c, ParentID: p}
	}
	if err := im.s.PutParentContexts(im.ctx, links); err != nil {
		return im.writeError(KindParentContext, batch, lines, err)
	}
	return nil
}
