package mlmdgen

import (
	"fmt"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd"
)

// Spec is a set of MLMD types to generate wrappers for.
type Spec struct {
	Types []*TypeDecl
}

// TypeDecl declares one artifact, execution or context type.
type TypeDecl struct {
	Kind        mlmd.Kind
	Name        string
	Version     string
	Description string
	ExternalID  string
	// ArtifactBase is the base type of an artifact type, ExecutionBase the
	// one of an execution type.
	ArtifactBase  mlmd.ArtifactBaseType
	ExecutionBase mlmd.ExecutionBaseType
	// GoName, when set, replaces the Go name derived from Name.
	GoName     string
	Properties []*PropertyDecl
	// Pos is where the declaration was read; zero for types read from a store.
	Pos Pos
}

// PropertyDecl declares one property of a type.
type PropertyDecl struct {
	Name string
	Type mlmd.PropertyType
	// Optional makes an int, double, string or bool property a pointer
	// field, nil when the property is unset. Struct and proto properties are
	// pointers anyway.
	Optional bool
	// GoName, when set, replaces the Go name derived from Name.
	GoName string
	Pos    Pos
}

// Pos is a position in a declaration file.
type Pos struct {
	File      string
	Line, Col int
}

// String formats p as "file:line:col", or "" for the zero Pos.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// errorf returns an error whose message starts with p.
func (p Pos) errorf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if s := p.String(); s != "" {
		msg = s + ": " + msg
	}
	return fmt.Errorf("%s", msg)
}

// label names the type for people, e.g. `artifact type "DataSet"` or
// `context type "Run" version "2"`.
func (t *TypeDecl) label() string {
	s := fmt.Sprintf("%s type %q", t.Kind, t.Name)
	if t.Version != "" {
		s += fmt.Sprintf(" version %q", t.Version)
	}
	return s
}

// propertyTypeNames are the accepted spellings of property types, lower case.
var propertyTypeNames = map[string]mlmd.PropertyType{
	"int":     mlmd.PropertyInt,
	"double":  mlmd.PropertyDouble,
	"string":  mlmd.PropertyString,
	"bool":    mlmd.PropertyBool,
	"boolean": mlmd.PropertyBool,
	"struct":  mlmd.PropertyStruct,
	"proto":   mlmd.PropertyProto,
}

// parsePropertyType reads a property type name.
func parsePropertyType(s string) (mlmd.PropertyType, bool) {
	t, ok := propertyTypeNames[strings.ToLower(strings.TrimSpace(s))]
	return t, ok
}

var artifactBaseNames = map[string]mlmd.ArtifactBaseType{
	"dataset":    mlmd.ArtifactBaseDataset,
	"model":      mlmd.ArtifactBaseModel,
	"metrics":    mlmd.ArtifactBaseMetrics,
	"statistics": mlmd.ArtifactBaseStatistics,
}

var executionBaseNames = map[string]mlmd.ExecutionBaseType{
	"train":     mlmd.ExecutionBaseTrain,
	"transform": mlmd.ExecutionBaseTransform,
	"process":   mlmd.ExecutionBaseProcess,
	"evaluate":  mlmd.ExecutionBaseEvaluate,
	"deploy":    mlmd.ExecutionBaseDeploy,
}

// baseKey normalises a base type name: "DATASET", "dataset" and
// "mlmd.Dataset" all give "dataset".
func baseKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimPrefix(s, "mlmd.")
}

// The Go expressions for base types, for the generated code.
var artifactBaseConsts = map[mlmd.ArtifactBaseType]string{
	mlmd.ArtifactBaseDataset:    "mlmd.ArtifactBaseDataset",
	mlmd.ArtifactBaseModel:      "mlmd.ArtifactBaseModel",
	mlmd.ArtifactBaseMetrics:    "mlmd.ArtifactBaseMetrics",
	mlmd.ArtifactBaseStatistics: "mlmd.ArtifactBaseStatistics",
}

var executionBaseConsts = map[mlmd.ExecutionBaseType]string{
	mlmd.ExecutionBaseTrain:     "mlmd.ExecutionBaseTrain",
	mlmd.ExecutionBaseTransform: "mlmd.ExecutionBaseTransform",
	mlmd.ExecutionBaseProcess:   "mlmd.ExecutionBaseProcess",
	mlmd.ExecutionBaseEvaluate:  "mlmd.ExecutionBaseEvaluate",
	mlmd.ExecutionBaseDeploy:    "mlmd.ExecutionBaseDeploy",
}
