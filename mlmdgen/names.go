package mlmdgen

import (
	"errors"
	"fmt"
	"go/token"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gomlmd/gomlmd/mlmd"
)

// initialisms are the words that GoName writes in capitals. The list is
// part of the name mapping: changing it renames generated code.
var initialisms = map[string]bool{
	"API": true, "CPU": true, "CSV": true, "DNS": true, "GPU": true, "HTML": true,
	"HTTP": true, "HTTPS": true, "ID": true, "IP": true, "JSON": true, "SQL": true,
	"TPU": true, "UI": true, "URI": true, "URL": true, "UUID": true, "XML": true,
	"YAML": true,
}

// GoName returns the exported Go identifier that mlmd-gen derives from an
// MLMD type or property name, and false when the name has no letter or
// digit to build one from. See the package doc for the rules; the mapping
// is stable, so regenerating never renames anything.
func GoName(name string) (string, bool) {
	words := strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var b strings.Builder
	for _, w := range words {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
			continue
		}
		r, size := utf8.DecodeRuneInString(w)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(w[size:])
	}
	s := b.String()
	if s == "" {
		return "", false
	}
	if !token.IsExported(s) {
		// A digit, or a letter without case (as in most CJK scripts).
		s = "X" + s
	}
	return s, true
}

// checkGoName checks a go_name given in a declaration.
func checkGoName(s string) error {
	if !token.IsIdentifier(s) || !token.IsExported(s) {
		return fmt.Errorf("go_name %q is not an exported Go identifier", s)
	}
	return nil
}

// reservedTopLevel are the top-level names of the generated code that do not
// come from a type.
var reservedTopLevel = map[string]string{
	"Types":    "the generated Types struct",
	"Register": "the generated Register function",
	"Lookup":   "the generated Lookup function",
}

// commonFields are the fields every node struct of a kind has.
var commonFields = map[mlmd.Kind][]string{
	mlmd.KindArtifact:  {"ID", "Name", "URI", "ExternalID", "State", "CustomProperties", "CreateTimeSinceEpoch", "LastUpdateTimeSinceEpoch"},
	mlmd.KindExecution: {"ID", "Name", "ExternalID", "LastKnownState", "CustomProperties", "CreateTimeSinceEpoch", "LastUpdateTimeSinceEpoch"},
	mlmd.KindContext:   {"ID", "Name", "ExternalID", "CustomProperties", "CreateTimeSinceEpoch", "LastUpdateTimeSinceEpoch"},
}

// resolved is a checked Spec with the Go names worked out, sorted for
// output: types by kind (artifact, execution, context), name and version,
// properties by name.
type resolved struct {
	types []*resolvedType
}

type resolvedType struct {
	*TypeDecl
	goName, handle string
	props          []*resolvedProp
}

type resolvedProp struct {
	*PropertyDecl
	goName string
}

// owner is something that claims a Go name.
type owner struct {
	what string
	pos  Pos
}

func (o owner) String() string {
	if s := o.pos.String(); s != "" {
		return fmt.Sprintf("%s (%s)", o.what, s)
	}
	return o.what
}

// resolve checks spec and derives the Go names. It reports every problem,
// one per line, in the order of the spec.
func resolve(spec *Spec) (*resolved, error) {
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	if spec == nil || len(spec.Types) == 0 {
		return nil, errors.New("no types declared")
	}

	type typeKey struct {
		kind          mlmd.Kind
		name, version string
	}
	declared := map[typeKey]*TypeDecl{}
	top := map[string]owner{}
	claim := func(name string, o owner) bool {
		if prev, dup := top[name]; dup {
			add(o.pos.errorf("%s and %s both map to Go name %s; set go_name on one of them", o.what, prev, name))
			return false
		}
		top[name] = o
		return true
	}
	res := &resolved{}
	for _, t := range spec.Types {
		if t == nil {
			continue
		}
		if t.Kind != mlmd.KindArtifact && t.Kind != mlmd.KindExecution && t.Kind != mlmd.KindContext {
			add(t.Pos.errorf("type %q has an unknown kind %d", t.Name, t.Kind))
			continue
		}
		if t.Name == "" {
			add(t.Pos.errorf("%s type has no name", t.Kind))
			continue
		}
		k := typeKey{t.Kind, t.Name, t.Version}
		if prev := declared[k]; prev != nil {
			add(t.Pos.errorf("%s is declared twice%s", t.label(), at(prev.Pos, " (first at %s)")))
			continue
		}
		declared[k] = t
		if err := checkBase(t); err != nil {
			add(err)
		}

		rt := &resolvedType{TypeDecl: t, goName: t.GoName}
		if rt.goName == "" {
			g, ok := GoName(t.Name)
			if !ok {
				add(t.Pos.errorf("%s gives no Go name (it has no letter or digit); set go_name", t.label()))
				continue
			}
			rt.goName = g
		} else if err := checkGoName(rt.goName); err != nil {
			add(t.Pos.errorf("%s: %v", t.label(), err))
			continue
		}
		rt.handle = rt.goName + "Type"
		for _, name := range []string{rt.goName, rt.handle} {
			if what, ok := reservedTopLevel[name]; ok {
				add(t.Pos.errorf("%s maps to Go name %s, which is %s; set go_name", ownerOf(rt, name), name, what))
			}
		}
		// When the type's name collides, so does its handle's: one
		// message is enough.
		if claim(rt.goName, owner{t.label(), t.Pos}) {
			claim(rt.handle, owner{"the handle of " + t.label(), t.Pos})
		}

		rt.props = resolveProps(rt, add)
		res.types = append(res.types, rt)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.SliceStable(res.types, func(i, j int) bool { return typeLess(res.types[i].TypeDecl, res.types[j].TypeDecl) })
	return res, nil
}

func ownerOf(rt *resolvedType, name string) string {
	if name == rt.handle {
		return "the handle of " + rt.label()
	}
	return rt.label()
}

func at(p Pos, format string) string {
	if s := p.String(); s != "" {
		return fmt.Sprintf(format, s)
	}
	return ""
}

// typeLess is the order of the types in the output: by kind (artifact,
// execution, context), name and version.
func typeLess(a, b *TypeDecl) bool {
	if ka, kb := kindOrder(a.Kind), kindOrder(b.Kind); ka != kb {
		return ka < kb
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.Version < b.Version
}

func kindOrder(k mlmd.Kind) int {
	switch k {
	case mlmd.KindArtifact:
		return 0
	case mlmd.KindExecution:
		return 1
	}
	return 2
}

func checkBase(t *TypeDecl) error {
	switch {
	case t.Kind == mlmd.KindContext && (t.ArtifactBase != mlmd.ArtifactBaseUnset || t.ExecutionBase != mlmd.ExecutionBaseUnset):
		return t.Pos.errorf("%s: context types have no base type", t.label())
	case t.Kind == mlmd.KindArtifact && t.ExecutionBase != mlmd.ExecutionBaseUnset:
		return t.Pos.errorf("%s: an artifact type cannot have an execution base type", t.label())
	case t.Kind == mlmd.KindExecution && t.ArtifactBase != mlmd.ArtifactBaseUnset:
		return t.Pos.errorf("%s: an execution type cannot have an artifact base type", t.label())
	case t.ArtifactBase != mlmd.ArtifactBaseUnset && artifactBaseConsts[t.ArtifactBase] == "":
		return t.Pos.errorf("%s: unknown base type %d", t.label(), t.ArtifactBase)
	case t.ExecutionBase != mlmd.ExecutionBaseUnset && executionBaseConsts[t.ExecutionBase] == "":
		return t.Pos.errorf("%s: unknown base type %d", t.label(), t.ExecutionBase)
	}
	return nil
}

// resolveProps checks the properties of one type and derives their Go names.
func resolveProps(rt *resolvedType, add func(error)) []*resolvedProp {
	fields := map[string]owner{}
	for _, f := range commonFields[rt.Kind] {
		fields[f] = owner{what: "common"}
	}
	names := map[string]*PropertyDecl{}
	var out []*resolvedProp
	for _, p := range rt.Properties {
		if p == nil {
			continue
		}
		pos := p.Pos
		if pos == (Pos{}) {
			pos = rt.Pos
		}
		if p.Name == "" {
			add(pos.errorf("%s: a property has an empty name", rt.label()))
			continue
		}
		what := fmt.Sprintf("property %q", p.Name)
		if prev := names[p.Name]; prev != nil {
			add(pos.errorf("%s: %s is declared twice", rt.label(), what))
			continue
		}
		names[p.Name] = p
		if p.Type < mlmd.PropertyInt || p.Type > mlmd.PropertyBool {
			add(pos.errorf("%s: %s has property type %s (want %s)", rt.label(), what, p.Type, propertyTypeList))
			continue
		}
		rp := &resolvedProp{PropertyDecl: p, goName: p.GoName}
		if rp.goName == "" {
			g, ok := GoName(p.Name)
			if !ok {
				add(pos.errorf("%s: %s gives no Go name (it has no letter or digit); set go_name", rt.label(), what))
				continue
			}
			rp.goName = g
		} else if err := checkGoName(rp.goName); err != nil {
			add(pos.errorf("%s: %s: %v", rt.label(), what, err))
			continue
		}
		if prev, dup := fields[rp.goName]; dup {
			if prev.what == "common" {
				add(pos.errorf("%s: %s maps to Go name %s, which is the common field %s of every %s; set go_name",
					rt.label(), what, rp.goName, rp.goName, rt.Kind))
			} else {
				add(pos.errorf("%s: %s and %s both map to Go name %s; set go_name on one of them",
					rt.label(), what, prev, rp.goName))
			}
			continue
		}
		fields[rp.goName] = owner{what, p.Pos}
		out = append(out, rp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
