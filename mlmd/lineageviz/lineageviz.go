// Package lineageviz draws an mlmd.LineageGraph as text that graph tools
// render: Graphviz DOT (DOT) and Mermaid flowcharts (Mermaid), e.g.
//
//	g, err := store.Provenance(ctx, modelID)
//	...
//	fmt.Println(lineageviz.Mermaid(g))
//
// Artifacts and executions become nodes labelled with their type, id,
// name (or, for an artifact without a name, its uri) and state; events
// become edges in the direction data flows (artifact to execution for an
// input, execution to artifact for an output), labelled with the event
// type and path. Contexts are not drawn. A node that an event names but
// the graph does not hold (a read mask without nodes, say) is drawn with
// its kind and id only, as are nodes returned with their ids only.
//
// The output depends only on the graph's content, not on the order of its
// slices: nodes come ordered by kind and id, edges by their ends and type.
//
// The functions are safe for concurrent use.
package lineageviz

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd"
)

// vnode is a node to draw.
type vnode struct {
	id        string // a12, e7
	lines     []string
	execution bool
}

// vedge is an edge to draw.
type vedge struct {
	from, to string
	label    string
	// unknown marks an event that is neither input nor output.
	unknown bool
	// order sorts edges: artifact id, execution id, event type.
	a, e int64
	typ  mlmd.EventType
}

// layout turns the graph into nodes and edges, in output order.
func layout(g mlmd.LineageGraph) ([]vnode, []vedge) {
	artTypes := map[int64]string{}
	for _, t := range g.ArtifactTypes {
		artTypes[t.ID] = t.Name
	}
	exeTypes := map[int64]string{}
	for _, t := range g.ExecutionTypes {
		exeTypes[t.ID] = t.Name
	}
	arts := map[int64]vnode{}
	for _, a := range g.Artifacts {
		typ := cmp.Or(a.Type, artTypes[a.TypeID], "artifact")
		lines := []string{fmt.Sprintf("%s #%d", typ, a.ID)}
		if name := cmp.Or(a.Name, a.URI); name != "" {
			lines = append(lines, name)
		}
		if a.State != mlmd.ArtifactStateUnknown {
			lines = append(lines, a.State.String())
		}
		arts[a.ID] = vnode{id: fmt.Sprintf("a%d", a.ID), lines: lines}
	}
	exes := map[int64]vnode{}
	for _, e := range g.Executions {
		typ := cmp.Or(e.Type, exeTypes[e.TypeID], "execution")
		lines := []string{fmt.Sprintf("%s #%d", typ, e.ID)}
		if e.Name != "" {
			lines = append(lines, e.Name)
		}
		if e.LastKnownState != mlmd.ExecutionStateUnknown {
			lines = append(lines, e.LastKnownState.String())
		}
		exes[e.ID] = vnode{id: fmt.Sprintf("e%d", e.ID), execution: true, lines: lines}
	}
	var edges []vedge
	for _, ev := range g.Events {
		if _, ok := arts[ev.ArtifactID]; !ok {
			arts[ev.ArtifactID] = vnode{id: fmt.Sprintf("a%d", ev.ArtifactID),
				lines: []string{fmt.Sprintf("artifact #%d", ev.ArtifactID)}}
		}
		if _, ok := exes[ev.ExecutionID]; !ok {
			exes[ev.ExecutionID] = vnode{id: fmt.Sprintf("e%d", ev.ExecutionID), execution: true,
				lines: []string{fmt.Sprintf("execution #%d", ev.ExecutionID)}}
		}
		a, e := arts[ev.ArtifactID].id, exes[ev.ExecutionID].id
		edge := vedge{from: a, to: e, label: edgeLabel(ev), a: ev.ArtifactID, e: ev.ExecutionID, typ: ev.Type}
		switch {
		case ev.Type.IsOutput():
			edge.from, edge.to = e, a
		case !ev.Type.IsInput():
			edge.unknown = true
		}
		edges = append(edges, edge)
	}
	nodes := make([]vnode, 0, len(arts)+len(exes))
	for _, id := range slices.Sorted(maps.Keys(arts)) {
		nodes = append(nodes, arts[id])
	}
	for _, id := range slices.Sorted(maps.Keys(exes)) {
		nodes = append(nodes, exes[id])
	}
	slices.SortStableFunc(edges, func(x, y vedge) int {
		return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.e, y.e), cmp.Compare(x.typ, y.typ), cmp.Compare(x.label, y.label))
	})
	edges = slices.CompactFunc(edges, func(x, y vedge) bool { return x == y })
	return nodes, edges
}

// edgeLabel is the event type and, if any, its path, e.g.
// "OUTPUT examples[0]".
func edgeLabel(ev mlmd.Event) string {
	label := ev.Type.String()
	if p := pathString(ev.Path); p != "" {
		label += " " + p
	}
	return label
}

// pathString writes a path as "key[3].other"; a leading key has no dot.
func pathString(path []mlmd.Step) string {
	var b strings.Builder
	for i, s := range path {
		if s.IsKey && i == 0 {
			b.WriteString(s.Key)
			continue
		}
		b.WriteString(s.String())
	}
	return b.String()
}

// DOT returns the graph in Graphviz's DOT language, left to right:
// artifacts are boxes, executions ellipses, events of a type that is
// neither input nor output dashed arrows from the artifact.
func DOT(g mlmd.LineageGraph) string {
	nodes, edges := layout(g)
	var b strings.Builder
	b.WriteString("digraph lineage {\n")
	b.WriteString("  rankdir=LR;\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=11];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, n := range nodes {
		shape := "box"
		if n.execution {
			shape = "ellipse"
		}
		quoted := make([]string, len(n.lines))
		for i, l := range n.lines {
			quoted[i] = dotEscape(l)
		}
		fmt.Fprintf(&b, "  %s [shape=%s, label=\"%s\"];\n", n.id, shape, strings.Join(quoted, `\n`))
	}
	for _, e := range edges {
		style := ""
		if e.unknown {
			style = ", style=dashed"
		}
		fmt.Fprintf(&b, "  %s -> %s [label=\"%s\"%s];\n", e.from, e.to, dotEscape(e.label), style)
	}
	b.WriteString("}\n")
	return b.String()
}

// dotEscape makes s safe inside a DOT double-quoted string: backslashes
// and quotes are escaped, line breaks become \n.
func dotEscape(s string) string { return dotEscaper.Replace(s) }

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// Mermaid returns the graph as a Mermaid flowchart, left to right:
// artifacts are rectangles, executions stadiums, events of a type that is
// neither input nor output dotted arrows from the artifact.
func Mermaid(g mlmd.LineageGraph) string {
	nodes, edges := layout(g)
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, n := range nodes {
		escaped := make([]string, len(n.lines))
		for i, l := range n.lines {
			escaped[i] = mermaidEscape(l)
		}
		label := strings.Join(escaped, "<br/>")
		if n.execution {
			fmt.Fprintf(&b, "  %s([\"%s\"])\n", n.id, label)
		} else {
			fmt.Fprintf(&b, "  %s[\"%s\"]\n", n.id, label)
		}
	}
	for _, e := range edges {
		arrow := "-->"
		if e.unknown {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", e.from, arrow, mermaidEscape(e.label), e.to)
	}
	return b.String()
}

// mermaidEscape makes s safe inside a Mermaid quoted label: quotes, the
// characters of HTML markup and of edge labels become entity codes, line
// breaks become <br/>. Mermaid reads "#name;" as an entity code, so ';' is
// escaped too: the '#' of user text then never starts one.
func mermaidEscape(s string) string { return mermaidEscaper.Replace(s) }

var mermaidEscaper = strings.NewReplacer(`;`, `#59;`, `"`, `#quot;`, `<`, `#lt;`, `>`, `#gt;`, `&`, `#amp;`, "|", `#124;`,
	"\r\n", "<br/>", "\n", "<br/>", "\r", "<br/>")
