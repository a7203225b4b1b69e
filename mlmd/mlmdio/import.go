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
	pendingKind string
	pending     []record
	pendingLast int // the line of the pending batch's last record
}

// Import reads a stream written by Export from r into s, which must be
// empty (no artifacts, executions, contexts or types other than MLMD's
// system types; else ErrNotEmpty). Nodes get new ids; every reference in
// the stream is remapped, so the lineage is the same. It returns the
// counts of what it wrote.
//
// Import writes in batches, one transaction each, and is not atomic: a
// stream that turns out malformed or truncated halfway (an InvalidArgument
// error naming the line) leaves what was written so far. Import into a
// fresh store again after fixing the stream.
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
		return im.stats, err
	}
	return im.stats, nil
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
	im.pendingLast = im.line
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
	var id int64
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
		return lineError(im.line, rec.Kind, err)
	}
	if err := im.remember(rec.Kind, rec.ID, id, im.line); err != nil {
		return err
	}
	im.count(rec.Kind, 1)
	return nil
}

// lineError annotates a store error with the line that caused it (the last
// line of the batch for a batch).
func lineError(line int, kind string, err error) error {
	return errcode.Annotate(err, "mlmdio: import %s records up to line %d", kind, line)
}

// flush writes the pending batch.
func (im *importer) flush() error {
	if len(im.pending) == 0 {
		return nil
	}
	batch, kind := im.pending, im.pendingKind
	im.pending = im.pending[:0]
	line := im.pendingLast
	var err error
	switch kind {
	case KindArtifact:
		err = im.putArtifacts(batch, line)
	case KindExecution:
		err = im.putExecutions(batch, line)
	case KindContext:
		err = im.putContexts(batch, line)
	case KindEvent:
		err = im.putEvents(batch, line)
	case KindAttribution, KindAssociation:
		err = im.putLinks(kind, batch, line)
	case KindParentContext:
		err = im.putParents(batch, line)
	default:
		err = streamError(line, "unknown record kind %q", kind)
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

func (im *importer) putArtifacts(batch []record, line int) error {
	as := make([]mlmd.Artifact, len(batch))
	for i, rec := range batch {
		t, err := im.typeOf(KindArtifactType, rec, line)
		if err != nil {
			return err
		}
		st, err := artifactState(rec.State)
		if err != nil {
			return streamError(line, "artifact %d: %v", rec.ID, err)
		}
		as[i] = mlmd.Artifact{TypeID: t, Name: rec.Name, URI: rec.URI, ExternalID: rec.ExternalID, State: st,
			Properties: propsFromRecord(rec.Properties), CustomProperties: propsFromRecord(rec.CustomProperties)}
	}
	ids, err := im.s.PutArtifacts(im.ctx, as, nil)
	if err != nil {
		return lineError(line, KindArtifact, err)
	}
	return im.rememberAll(KindArtifact, batch, ids, line)
}

func (im *importer) putExecutions(batch []record, line int) error {
	xs := make([]mlmd.Execution, len(batch))
	for i, rec := range batch {
		t, err := im.typeOf(KindExecutionType, rec, line)
		if err != nil {
			return err
		}
		st, err := executionState(rec.State)
		if err != nil {
			return streamError(line, "execution %d: %v", rec.ID, err)
		}
		xs[i] = mlmd.Execution{TypeID: t, Name: rec.Name, ExternalID: rec.ExternalID, LastKnownState: st,
			Properties: propsFromRecord(rec.Properties), CustomProperties: propsFromRecord(rec.CustomProperties)}
	}
	ids, err := im.s.PutExecutions(im.ctx, xs, nil)
	if err != nil {
		return lineError(line, KindExecution, err)
	}
	return im.rememberAll(KindExecution, batch, ids, line)
}

func (im *importer) putContexts(batch []record, line int) error {
	cs := make([]mlmd.Context, len(batch))
	for i, rec := range batch {
		t, err := im.typeOf(KindContextType, rec, line)
		if err != nil {
			return err
		}
		cs[i] = mlmd.Context{TypeID: t, Name: rec.Name, ExternalID: rec.ExternalID,
			Properties: propsFromRecord(rec.Properties), CustomProperties: propsFromRecord(rec.CustomProperties)}
	}
	ids, err := im.s.PutContexts(im.ctx, cs, nil)
	if err != nil {
		return lineError(line, KindContext, err)
	}
	return im.rememberAll(KindContext, batch, ids, line)
}

func (im *importer) rememberAll(kind string, batch []record, ids []int64, line int) error {
	if len(ids) != len(batch) {
		return errcode.New(errcode.Internal, "mlmdio: %d %s ids for %d records", len(ids), kind, len(batch))
	}
	for i, rec := range batch {
		if err := im.remember(kind, rec.ID, ids[i], line); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) putEvents(batch []record, line int) error {
	evs := make([]mlmd.Event, len(batch))
	for i, rec := range batch {
		a, err := im.mapID(KindArtifact, rec.ArtifactID, line, "event artifact_id")
		if err != nil {
			return err
		}
		x, err := im.mapID(KindExecution, rec.ExecutionID, line, "event execution_id")
		if err != nil {
			return err
		}
		t, err := eventType(rec.EventType)
		if err != nil {
			return streamError(line, "%v", err)
		}
		path, err := stepsFromRecord(rec.Path)
		if err != nil {
			return streamError(line, "%v", err)
		}
		evs[i] = mlmd.Event{ArtifactID: a, ExecutionID: x, Type: t, Path: path, MillisecondsSinceEpoch: rec.Time}
	}
	if err := im.s.PutEvents(im.ctx, evs); err != nil {
		return lineError(line, KindEvent, err)
	}
	return nil
}

func (im *importer) putLinks(kind string, batch []record, line int) error {
	var attrs []mlmd.Attribution
	var assocs []mlmd.Association
	for _, rec := range batch {
		c, err := im.mapID(KindContext, rec.ContextID, line, kind+" context_id")
		if err != nil {
			return err
		}
		if kind == KindAttribution {
			a, err := im.mapID(KindArtifact, rec.ArtifactID, line, "attribution artifact_id")
			if err != nil {
				return err
			}
			attrs = append(attrs, mlmd.Attribution{ArtifactID: a, ContextID: c})
			continue
		}
		x, err := im.mapID(KindExecution, rec.ExecutionID, line, "association execution_id")
		if err != nil {
			return err
		}
		assocs = append(assocs, mlmd.Association{ExecutionID: x, ContextID: c})
	}
	if err := im.s.PutAttributionsAndAssociations(im.ctx, attrs, assocs); err != nil {
		return lineError(line, kind, err)
	}
	return nil
}

func (im *importer) putParents(batch []record, line int) error {
	links := make([]mlmd.ParentContext, len(batch))
	for i, rec := range batch {
		c, err := im.mapID(KindContext, rec.ChildID, line, "parent_context child_id")
		if err != nil {
			return err
		}
		p, err := im.mapID(KindContext, rec.ParentID, line, "parent_context parent_id")
		if err != nil {
			return err
		}
		links[i] = mlmd.ParentContext{ChildID: c, ParentID: p}
	}
	if err := im.s.PutParentContexts(im.ctx, links); err != nil {
		return lineError(line, KindParentContext, err)
	}
	return nil
}
