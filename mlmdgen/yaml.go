package mlmdgen

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd"
	"go.yaml.in/yaml/v3"
)

// ParseYAML reads a declaration file (see the package doc for the format).
// filename is used in error messages only. Every problem found is reported,
// one per line, each with its position.
func ParseYAML(filename string, src []byte) (*Spec, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", filename, err)
	}
	p := &yamlParser{file: filename}
	spec := &Spec{}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		p.top(deref(doc.Content[0]), spec)
	}
	if len(p.errs) == 0 && len(spec.Types) == 0 {
		p.errs = append(p.errs, fmt.Errorf("%s: no types declared", filename))
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return spec, nil
}

type yamlParser struct {
	file string
	errs []error
}

func (p *yamlParser) pos(n *yaml.Node) Pos { return Pos{File: p.file, Line: n.Line, Col: n.Column} }

func (p *yamlParser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, p.pos(n).errorf(format, args...))
}

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// entry is one key of a mapping with its value.
type entry struct {
	key, val *yaml.Node
}

// mapping returns the entries of a mapping node, reporting duplicate keys
// and keys not in allowed. what names the mapping in messages ("" for the
// top level). A null node is an empty mapping.
func (p *yamlParser) mapping(n *yaml.Node, what string, allowed []string) ([]entry, bool) {
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%swant a mapping, not %s", prefix(what), kindName(n))
		return nil, false
	}
	var out []entry
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%skeys must be strings, not %s", prefix(what), kindName(k))
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "%skey %q appears twice", prefix(what), k.Value)
			continue
		}
		seen[k.Value] = true
		if allowed != nil && !contains(allowed, k.Value) {
			p.errorf(k, "%sunknown key %q (want %s)", prefix(what), k.Value, orList(allowed))
			continue
		}
		out = append(out, entry{k, v})
	}
	return out, true
}

func prefix(what string) string {
	if what == "" {
		return ""
	}
	return what + ": "
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// orList formats a, b and c as "a, b or c".
func orList(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// scalar returns the text of a scalar node; null gives "".
func (p *yamlParser) scalar(n *yaml.Node, what string) (string, bool) {
	if isNull(n) {
		return "", true
	}
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s: want a string, not %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

var topKeys = []string{"artifact_types", "execution_types", "context_types"}

func (p *yamlParser) top(n *yaml.Node, spec *Spec) {
	entries, ok := p.mapping(n, "", topKeys)
	if !ok {
		return
	}
	for _, e := range entries {
		var kind mlmd.Kind
		switch e.key.Value {
		case "artifact_types":
			kind = mlmd.KindArtifact
		case "execution_types":
			kind = mlmd.KindExecution
		case "context_types":
			kind = mlmd.KindContext
		}
		if isNull(e.val) {
			continue
		}
		if e.val.Kind != yaml.SequenceNode {
			p.errorf(e.val, "%s: want a list, not %s", e.key.Value, kindName(e.val))
			continue
		}
		for _, item := range e.val.Content {
			if t := p.typeDecl(kind, deref(item)); t != nil {
				spec.Types = append(spec.Types, t)
			}
		}
	}
}

var typeKeys = []string{"name", "version", "description", "base_type", "external_id", "go_name", "properties"}

func (p *yamlParser) typeDecl(kind mlmd.Kind, n *yaml.Node) *TypeDecl {
	what := kind.String() + " type"
	entries, ok := p.mapping(n, what, typeKeys)
	if !ok {
		return nil
	}
	t := &TypeDecl{Kind: kind, Pos: p.pos(n)}
	get := func(key string) *yaml.Node {
		for _, e := range entries {
			if e.key.Value == key {
				return e.val
			}
		}
		return nil
	}
	if v := get("name"); v != nil {
		var ok bool
		if t.Name, ok = p.scalar(v, what+" name"); !ok {
			return nil
		}
	}
	if t.Name == "" {
		p.errorf(n, "%s has no name", what)
		return nil
	}
	what = t.label()
	bad := len(p.errs)
	if v := get("version"); v != nil {
		t.Version, _ = p.scalar(v, what+": version")
		what = t.label()
	}
	if v := get("description"); v != nil {
		// A YAML block scalar ends in a newline that nobody means.
		d, _ := p.scalar(v, what+": description")
		t.Description = strings.TrimSpace(d)
	}
	if v := get("external_id"); v != nil {
		t.ExternalID, _ = p.scalar(v, what+": external_id")
	}
	if v := get("go_name"); v != nil {
		if s, ok := p.scalar(v, what+": go_name"); ok {
			if err := checkGoName(s); err != nil {
				p.errorf(v, "%s: %v", what, err)
			}
			t.GoName = s
		}
	}
	if v := get("base_type"); v != nil {
		if s, ok := p.scalar(v, what+": base_type"); ok && s != "" {
			p.baseType(t, v, s)
		}
	}
	if v := get("properties"); v != nil {
		p.properties(t, v)
	}
	if len(p.errs) > bad {
		return nil
	}
	return t
}

func (p *yamlParser) baseType(t *TypeDecl, n *yaml.Node, s string) {
	switch t.Kind {
	case mlmd.KindArtifact:
		if b, ok := artifactBaseNames[baseKey(s)]; ok {
			t.ArtifactBase = b
			return
		}
		p.errorf(n, "%s: unknown base type %q (want DATASET, MODEL, METRICS or STATISTICS)", t.label(), s)
	case mlmd.KindExecution:
		if b, ok := executionBaseNames[baseKey(s)]; ok {
			t.ExecutionBase = b
			return
		}
		p.errorf(n, "%s: unknown base type %q (want TRAIN, TRANSFORM, PROCESS, EVALUATE or DEPLOY)", t.label(), s)
	default:
		p.errorf(n, "%s: context types have no base type", t.label())
	}
}

var propertyKeys = []string{"type", "optional", "go_name"}

const propertyTypeList = "int, double, string, bool, struct or proto"

func (p *yamlParser) properties(t *TypeDecl, n *yaml.Node) {
	entries, ok := p.mapping(n, t.label()+": properties", nil)
	if !ok {
		return
	}
	for _, e := range entries {
		name := e.key.Value
		what := fmt.Sprintf("%s: property %q", t.label(), name)
		if name == "" {
			p.errorf(e.key, "%s: a property has an empty name", t.label())
			continue
		}
		prop := &PropertyDecl{Name: name, Pos: p.pos(e.key)}
		typeNode := e.val
		if e.val.Kind == yaml.MappingNode {
			typeNode = nil
			sub, _ := p.mapping(e.val, what, propertyKeys)
			for _, s := range sub {
				switch s.key.Value {
				case "type":
					typeNode = s.val
				case "optional":
					if err := s.val.Decode(&prop.Optional); err != nil || s.val.Kind != yaml.ScalarNode {
						p.errorf(s.val, "%s: optional: want true or false, not %s", what, kindName(s.val))
					}
				case "go_name":
					if g, ok := p.scalar(s.val, what+": go_name"); ok {
						if err := checkGoName(g); err != nil {
							p.errorf(s.val, "%s: %v", what, err)
						}
						prop.GoName = g
					}
				}
			}
			if typeNode == nil {
				p.errorf(e.val, "%s has no type (want %s)", what, propertyTypeList)
				continue
			}
		}
		s, ok := p.scalar(typeNode, what)
		if !ok {
			continue
		}
		if s == "" {
			p.errorf(typeNode, "%s has no type (want %s)", what, propertyTypeList)
			continue
		}
		pt, ok := parsePropertyType(s)
		if !ok {
			p.errorf(typeNode, "%s: unknown property type %q (want %s)", what, s, propertyTypeList)
			continue
		}
		prop.Type = pt
		t.Properties = append(t.Properties, prop)
	}
}
