package mlmdio

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// ExportOptions are the options of Export. A nil *ExportOptions means the
// defaults.
type ExportOptions struct {
	// Progress, if set, is called after each page of records is written,
	// with the kind of the records and how many were written.
	Progress func(kind string, n int)
	// Now, if set, replaces time.Now for the header's created_at (tests).
	Now func() time.Time
	// Select, if set, exports part of the store: the nodes it selects and
	// their closure (see Selection). nil exports everything.
	Select *Selection
}

// Stats counts the records of a stream by kind (KindArtifact, KindEvent,
// ...); the header and end records are not counted.
type Stats map[string]int64

// Total returns the number of records counted.
func (s Stats) Total() int64 {
	var n int64
	for _, c := range s {
		n += c
	}
	return n
}

// pageSize is the size of every listing page Export asks for (MLMD's
// largest).
const pageSize = mlmd.MaxListResultSize

// exporter writes one stream.
type exporter struct {
	ctx   context.Context
	s     *mlmd.Store
	w     *bufio.Writer
	enc   *json.Encoder
	opts  ExportOptions
	stats Stats
	// sel is the closure of ExportOptions.Select; nil exports everything.
	sel *closure
	// maxID is the largest id of each node kind that was written, so that
	// edges to nodes created during the export are left out.
	maxID map[string]int64
}

// Export writes everything s holds to w, as the JSON lines stream of
// docs/export.md: a header, the types, the contexts, executions and
// artifacts (each page of artifacts followed by their events), the
// attributions, associations and parent contexts, and an end record with
// the counts. It returns the counts.
//
// Export reads page by page, each page in its own transaction: for an
// exact copy, export a store nobody writes to. Edges to nodes created
// after their kind was listed are left out, so the stream always imports.
func Export(ctx context.Context, s *mlmd.Store, w io.Writer, opts *ExportOptions) (Stats, error) {
	e := &exporter{ctx: ctx, s: s, w: bufio.NewWriterSize(w, 64<<10), stats: Stats{}, maxID: map[string]int64{}}
	if opts != nil {
		e.opts = *opts
	}
	e.enc = json.NewEncoder(e.w)
	e.enc.SetEscapeHTML(false)
	if err := e.run(); err != nil {
		return e.stats, fmt.Errorf("mlmdio: export: %w", err)
	}
	return e.stats, nil
}

func (e *exporter) run() error {
	if e.opts.Select != nil {
		c, err := selectClosure(e.ctx, e.s, *e.opts.Select)
		if err != nil {
			return err
		}
		e.sel = c
	}
	now := time.Now
	if e.opts.Now != nil {
		now = e.opts.Now
	}
	if err := e.enc.Encode(record{Kind: KindHeader, Format: Format, FormatVersion: FormatVersion,
		SchemaVersion: 10, CreatedAt: now().UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	for _, step := range []func() error{e.types, e.contexts, e.executions, e.artifacts, e.contextEdges} {
		if err := step(); err != nil {
			return err
		}
	}
	if err := e.enc.Encode(record{Kind: KindEnd, Counts: e.stats}); err != nil {
		return err
	}
	return e.w.Flush()
}

// emit writes records of one kind and reports them.
func (e *exporter) emit(kind string, recs []record) error {
	for i := range recs {
		recs[i].Kind = kind
		if what := notUTF8(recs[i]); what != "" {
			return errcode.New(errcode.InvalidArgument, "%s: %s is not valid UTF-8, which the stream cannot carry", recordName(recs[i]), what)
		}
		if err := e.enc.Encode(recs[i]); err != nil {
			return err
		}
	}
	if len(recs) > 0 {
		e.stats[kind] += int64(len(recs))
		if e.opts.Progress != nil {
			e.opts.Progress(kind, len(recs))
		}
	}
	return nil
}

func sortedByID[T any](ts []T, id func(T) int64) []T {
	slices.SortFunc(ts, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
	return ts
}

func (e *exporter) types() error {
	ats, err := e.s.GetArtifactTypes(e.ctx)
	if err != nil {
		return err
	}
	var recs []record
	for _, t := range sortedByID(ats, func(t mlmd.ArtifactType) int64 { return t.ID }) {
		recs = append(recs, record{ID: t.ID, Name: t.Name, Version: t.Version, Description: t.Description,
			ExternalID: t.ExternalID, PropertyTypes: propertyTypesToRecord(t.Properties), BaseType: int32(t.BaseType)})
	}
	if err := e.emit(KindArtifactType, recs); err != nil {
		return err
	}
	ets, err := e.s.GetExecutionTypes(e.ctx)
	if err != nil {
		return err
	}
	recs = nil
	for _, t := range sortedByID(ets, func(t mlmd.ExecutionType) int64 { return t.ID }) {
		recs = append(recs, record{ID: t.ID, Name: t.Name, Version: t.Version, Description: t.Description,
			ExternalID: t.ExternalID, PropertyTypes: propertyTypesToRecord(t.Properties), BaseType: int32(t.BaseType),
			InputType: t.InputType, OutputType: t.OutputType})
	}
	if err := e.emit(KindExecutionType, recs); err != nil {
		return err
	}
	cts, err := e.s.GetContextTypes(e.ctx)
	if err != nil {
		return err
	}
	recs = nil
	for _, t := range sortedByID(cts, func(t mlmd.ContextType) int64 { return t.ID }) {
		recs = append(recs, record{ID: t.ID, Name: t.Name, Version: t.Version, Description: t.Description,
			ExternalID: t.ExternalID, PropertyTypes: propertyTypesToRecord(t.Properties)})
	}
	return e.emit(KindContextType, recs)
}

// pages calls list for every page of a listing ordered by id, and page
// with each non-empty page.
func pages[T any](ctx context.Context, list func(*mlmd.ListOptions) ([]T, string, error), page func([]T) error) error {
	return pagesFrom(ctx, &mlmd.ListOptions{MaxResultSize: pageSize, OrderBy: mlmd.OrderByID}, list, page)
}

// pagesFrom is pages starting from the given options.
func pagesFrom[T any](ctx context.Context, opts *mlmd.ListOptions, list func(*mlmd.ListOptions) ([]T, string, error), page func([]T) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ns, next, err := list(opts)
		if err != nil {
			return err
		}
		if len(ns) > 0 {
			if err := page(ns); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		opts.NextPageToken = next
	}
}

func listAll[T any](ctx context.Context, get func(context.Context, *mlmd.ListOptions) ([]T, string, error)) func(*mlmd.ListOptions) ([]T, string, error) {
	return func(o *mlmd.ListOptions) ([]T, string, error) { return get(ctx, o) }
}

func (e *exporter) contexts() error {
	return eachPage(e, KindContext, e.s.GetContexts, e.s.GetContextsByID, func(cs []mlmd.Context) error {
		recs := make([]record, len(cs))
		for i, c := range cs {
			recs[i] = contextRecord(c)
			e.maxID[KindContext] = max(e.maxID[KindContext], c.ID)
		}
		return e.emit(KindContext, recs)
	})
}

func (e *exporter) executions() error {
	return eachPage(e, KindExecution, e.s.GetExecutions, e.s.GetExecutionsByID, func(es []mlmd.Execution) error {
		recs := make([]record, len(es))
		for i, x := range es {
			recs[i] = executionRecord(x)
			e.maxID[KindExecution] = max(e.maxID[KindExecution], x.ID)
		}
		return e.emit(KindExecution, recs)
	})
}

// artifacts writes the artifacts page by page, each page followed by the
// events of its artifacts (whose executions are all written already).
func (e *exporter) artifacts() error {
	return eachPage(e, KindArtifact, e.s.GetArtifacts, e.s.GetArtifactsByID, func(as []mlmd.Artifact) error {
		recs := make([]record, len(as))
		ids := make([]int64, len(as))
		for i, a := range as {
			recs[i] = artifactRecord(a)
			ids[i] = a.ID
			e.maxID[KindArtifact] = max(e.maxID[KindArtifact], a.ID)
		}
		if err := e.emit(KindArtifact, recs); err != nil {
			return err
		}
		evs, err := e.s.GetEventsByArtifactIDs(e.ctx, ids)
		if err != nil {
			return err
		}
		recs = recs[:0]
		for _, ev := range evs {
			if ev.ExecutionID > e.maxID[KindExecution] || !e.sel.has(KindExecution, ev.ExecutionID) {
				continue
			}
			recs = append(recs, record{ArtifactID: ev.ArtifactID, ExecutionID: ev.ExecutionID,
				EventType: enumName(int32(ev.Type), ev.Type), Path: stepsToRecord(ev.Path), Time: ev.MillisecondsSinceEpoch})
		}
		return e.emit(KindEvent, recs)
	})
}

// contextEdges lists the contexts again and writes, per page, the
// attributions and associations of each context and the parents of the
// page's contexts.
func (e *exporter) contextEdges() error {
	return eachPage(e, KindContext, e.s.GetContexts, e.s.GetContextsByID, func(cs []mlmd.Context) error {
		var ids []int64
		for _, c := range cs {
			if c.ID > e.maxID[KindContext] {
				break
			}
			ids = append(ids, c.ID)
			err := pages(e.ctx, func(o *mlmd.ListOptions) ([]mlmd.Artifact, string, error) {
				return e.s.GetArtifactsByContext(e.ctx, c.ID, o)
			}, func(as []mlmd.Artifact) error {
				var recs []record
				for _, a := range as {
					if a.ID <= e.maxID[KindArtifact] && e.sel.has(KindArtifact, a.ID) {
						recs = append(recs, record{ArtifactID: a.ID, ContextID: c.ID})
					}
				}
				return e.emit(KindAttribution, recs)
			})
			if err != nil {
				return err
			}
			err = pages(e.ctx, func(o *mlmd.ListOptions) ([]mlmd.Execution, string, error) {
				return e.s.GetExecutionsByContext(e.ctx, c.ID, o)
			}, func(xs []mlmd.Execution) error {
				var recs []record
				for _, x := range xs {
					if x.ID <= e.maxID[KindExecution] && e.sel.has(KindExecution, x.ID) {
						recs = append(recs, record{ExecutionID: x.ID, ContextID: c.ID})
					}
				}
				return e.emit(KindAssociation, recs)
			})
			if err != nil {
				return err
			}
		}
		if len(ids) == 0 {
			return nil
		}
		parents, err := e.s.GetParentContextsByContexts(e.ctx, ids)
		if err != nil {
			return err
		}
		var recs []record
		for _, id := range ids {
			ps := sortedByID(parents[id], func(c mlmd.Context) int64 { return c.ID })
			for _, p := range ps {
				if p.ID <= e.maxID[KindContext] && e.sel.has(KindContext, p.ID) {
					recs = append(recs, record{ChildID: id, ParentID: p.ID})
				}
			}
		}
		return e.emit(KindParentContext, recs)
	})
}

func artifactRecord(a mlmd.Artifact) record {
	return record{ID: a.ID, TypeID: a.TypeID, Type: a.Type, Name: a.Name, URI: a.URI, ExternalID: a.ExternalID,
		State:      enumName(int32(a.State), a.State),
		Properties: propsToRecord(a.Properties), CustomProperties: propsToRecord(a.CustomProperties),
		CreateTime: a.CreateTimeSinceEpoch, UpdateTime: a.LastUpdateTimeSinceEpoch}
}

func executionRecord(x mlmd.Execution) record {
	return record{ID: x.ID, TypeID: x.TypeID, Type: x.Type, Name: x.Name, ExternalID: x.ExternalID,
		State:      enumName(int32(x.LastKnownState), x.LastKnownState),
		Properties: propsToRecord(x.Properties), CustomProperties: propsToRecord(x.CustomProperties),
		CreateTime: x.CreateTimeSinceEpoch, UpdateTime: x.LastUpdateTimeSinceEpoch}
}

func contextRecord(c mlmd.Context) record {
	return record{ID: c.ID, TypeID: c.TypeID, Type: c.Type, Name: c.Name, ExternalID: c.ExternalID,
		Properties: propsToRecord(c.Properties), CustomProperties: propsToRecord(c.CustomProperties),
		CreateTime: c.CreateTimeSinceEpoch, UpdateTime: c.LastUpdateTimeSinceEpoch}
}

// MarshalArtifact returns a's record of the stream format (docs/export.md)
// as one line of JSON without the newline, for tools that print nodes.
func MarshalArtifact(a mlmd.Artifact) ([]byte, error) {
	return marshalRecord(KindArtifact, artifactRecord(a))
}

// MarshalExecution is MarshalArtifact for an execution.
func MarshalExecution(x mlmd.Execution) ([]byte, error) {
	return marshalRecord(KindExecution, executionRecord(x))
}

// MarshalContext is MarshalArtifact for a context.
func MarshalContext(c mlmd.Context) ([]byte, error) {
	return marshalRecord(KindContext, contextRecord(c))
}

func marshalRecord(kind string, r record) ([]byte, error) {
	r.Kind = kind
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
