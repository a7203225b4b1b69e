package mlmdgen

import (
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

// TestErrors checks the exact message for each kind of bad declaration.
// Each input goes through ParseYAML and, if that passes, Generate.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		// The file.
		{"syntax", "artifact_types: [\n", "t.yaml: yaml: line 1: did not find expected node content"},
		{"empty", "", "t.yaml: no types declared"},
		{"only comments", "# nothing\n", "t.yaml: no types declared"},
		{"empty lists", "artifact_types: []\ncontext_types:\n", "t.yaml: no types declared"},
		{"top is a list", "- name: A\n", "t.yaml:1:1: want a mapping, not a list"},
		{"unknown top key", "artifacts:\n  - name: A\n",
			`t.yaml:1:1: unknown key "artifacts" (want artifact_types, execution_types or context_types)`},
		{"list is a mapping", "artifact_types:\n  name: A\n", "t.yaml:2:3: artifact_types: want a list, not a mapping"},

		// Types.
		{"type is a string", "artifact_types: [DataSet]\n", `t.yaml:1:18: artifact type: want a mapping, not "DataSet"`},
		{"no name", "execution_types:\n  - version: v1\n", "t.yaml:2:5: execution type has no name"},
		{"empty name", "context_types:\n  - name: ''\n", "t.yaml:2:5: context type has no name"},
		{"name is a list", "context_types:\n  - name: [a]\n",
			"t.yaml:2:11: context type name: want a string, not a list"},
		{"unknown type key", "artifact_types:\n  - name: A\n    nmae: B\n",
			`t.yaml:3:5: artifact type: unknown key "nmae" (want name, version, description, base_type, external_id, go_name or properties)`},
		{"duplicate key", "artifact_types:\n  - name: A\n    name: B\n", `t.yaml:3:5: artifact type: key "name" appears twice`},
		{"declared twice", "artifact_types:\n  - name: A\n  - name: B\n  - name: A\n",
			`t.yaml:4:5: artifact type "A" is declared twice (first at t.yaml:2:5)`},
		{"declared twice with version", "artifact_types:\n  - {name: A, version: '1'}\n  - {name: A, version: '1'}\n",
			`t.yaml:3:5: artifact type "A" version "1" is declared twice (first at t.yaml:2:5)`},
		{"unknown artifact base", "artifact_types:\n  - {name: A, base_type: TRAIN}\n",
			`t.yaml:2:26: artifact type "A": unknown base type "TRAIN" (want DATASET, MODEL, METRICS or STATISTICS)`},
		{"unknown execution base", "execution_types:\n  - {name: E, base_type: DATASET}\n",
			`t.yaml:2:26: execution type "E": unknown base type "DATASET" (want TRAIN, TRANSFORM, PROCESS, EVALUATE or DEPLOY)`},
		{"context base", "context_types:\n  - {name: C, base_type: DATASET}\n",
			`t.yaml:2:26: context type "C": context types have no base type`},
		{"bad type go_name", "artifact_types:\n  - {name: A, go_name: a-b}\n",
			`t.yaml:2:24: artifact type "A": go_name "a-b" is not an exported Go identifier`},
		{"unexported type go_name", "artifact_types:\n  - {name: A, go_name: data}\n",
			`t.yaml:2:24: artifact type "A": go_name "data" is not an exported Go identifier`},

		// Properties.
		{"properties is a list", "artifact_types:\n  - name: A\n    properties: [a]\n",
			`t.yaml:3:17: artifact type "A": properties: want a mapping, not a list`},
		{"unknown property type", "artifact_types:\n  - name: A\n    properties:\n      day: float\n",
			`t.yaml:4:12: artifact type "A": property "day": unknown property type "float" (want int, double, string, bool, struct or proto)`},
		{"property without type", "artifact_types:\n  - name: A\n    properties:\n      day:\n",
			`t.yaml:4:11: artifact type "A": property "day" has no type (want int, double, string, bool, struct or proto)`},
		{"property type is a list", "artifact_types:\n  - name: A\n    properties:\n      day: [int]\n",
			`t.yaml:4:12: artifact type "A": property "day": want a string, not a list`},
		{"long form without type", "artifact_types:\n  - name: A\n    properties:\n      day: {optional: true}\n",
			`t.yaml:4:12: artifact type "A": property "day" has no type (want int, double, string, bool, struct or proto)`},
		{"long form unknown key", "artifact_types:\n  - name: A\n    properties:\n      day: {type: int, optinal: true}\n",
			`t.yaml:4:24: artifact type "A": property "day": unknown key "optinal" (want type, optional or go_name)`},
		{"optional not a bool", "artifact_types:\n  - name: A\n    properties:\n      day: {type: int, optional: maybe}\n",
			`t.yaml:4:34: artifact type "A": property "day": optional: want true or false, not "maybe"`},
		{"bad property go_name", "artifact_types:\n  - name: A\n    properties:\n      day: {type: int, go_name: _Day}\n",
			`t.yaml:4:33: artifact type "A": property "day": go_name "_Day" is not an exported Go identifier`},
		{"duplicate property", "artifact_types:\n  - name: A\n    properties:\n      day: int\n      day: string\n",
			`t.yaml:5:7: artifact type "A": properties: key "day" appears twice`},
		{"empty property name", "artifact_types:\n  - name: A\n    properties:\n      '': int\n",
			`t.yaml:4:7: artifact type "A": a property has an empty name`},
		{"every error at once", "artifact_types:\n  - name: A\n    base_type: X\n    properties:\n      a: float\n      b: int\n      c: long\n",
			"t.yaml:3:16: artifact type \"A\": unknown base type \"X\" (want DATASET, MODEL, METRICS or STATISTICS)\n" +
				"t.yaml:5:10: artifact type \"A\": property \"a\": unknown property type \"float\" (want int, double, string, bool, struct or proto)\n" +
				"t.yaml:7:10: artifact type \"A\": property \"c\": unknown property type \"long\" (want int, double, string, bool, struct or proto)"},

		// Go names of types.
		{"types collide", "artifact_types:\n  - name: my_type\n  - name: my-type\n",
			`t.yaml:3:5: artifact type "my-type" and artifact type "my_type" (t.yaml:2:5) both map to Go name MyType; set go_name on one of them`},
		{"types of two kinds collide", "artifact_types:\n  - name: Run\ncontext_types:\n  - name: Run\n",
			`t.yaml:4:5: context type "Run" and artifact type "Run" (t.yaml:2:5) both map to Go name Run; set go_name on one of them`},
		{"versions collide", "artifact_types:\n  - {name: Model, version: v1}\n  - {name: Model, version: v2}\n",
			`t.yaml:3:5: artifact type "Model" version "v2" and artifact type "Model" version "v1" (t.yaml:2:5) both map to Go name Model; set go_name on one of them`},
		{"type collides with a handle", "artifact_types:\n  - name: Data\n  - name: data type\n",
			`t.yaml:3:5: artifact type "data type" and the handle of artifact type "Data" (t.yaml:2:5) both map to Go name DataType; set go_name on one of them`},
		{"handle collides with a type", "artifact_types:\n  - name: DataType\n  - name: Data\n",
			`t.yaml:3:5: the handle of artifact type "Data" and artifact type "DataType" (t.yaml:2:5) both map to Go name DataType; set go_name on one of them`},
		{"go_name collides", "artifact_types:\n  - name: Data\n  - {name: Other, go_name: Data}\n",
			`t.yaml:3:5: artifact type "Other" and artifact type "Data" (t.yaml:2:5) both map to Go name Data; set go_name on one of them`},
		{"reserved Register", "execution_types:\n  - name: register\n",
			`t.yaml:2:5: execution type "register" maps to Go name Register, which is the generated Register function; set go_name`},
		{"reserved Types", "context_types:\n  - name: types\n",
			`t.yaml:2:5: context type "types" maps to Go name Types, which is the generated Types struct; set go_name`},
		{"reserved Lookup", "artifact_types:\n  - name: Lookup\n",
			`t.yaml:2:5: artifact type "Lookup" maps to Go name Lookup, which is the generated Lookup function; set go_name`},
		{"type without letters", "artifact_types:\n  - name: '---'\n",
			`t.yaml:2:5: artifact type "---" gives no Go name (it has no letter or digit); set go_name`},

		// Go names of properties.
		{"property is Name", "artifact_types:\n  - name: A\n    properties:\n      name: string\n",
			`t.yaml:4:7: artifact type "A": property "name" maps to Go name Name, which is the common field Name of every artifact; set go_name`},
		{"property is ID", "execution_types:\n  - name: E\n    properties:\n      id: int\n",
			`t.yaml:4:7: execution type "E": property "id" maps to Go name ID, which is the common field ID of every execution; set go_name`},
		{"property is URI", "artifact_types:\n  - name: A\n    properties:\n      uri: string\n",
			`t.yaml:4:7: artifact type "A": property "uri" maps to Go name URI, which is the common field URI of every artifact; set go_name`},
		{"property is State", "artifact_types:\n  - name: A\n    properties:\n      state: string\n",
			`t.yaml:4:7: artifact type "A": property "state" maps to Go name State, which is the common field State of every artifact; set go_name`},
		{"property is LastKnownState", "execution_types:\n  - name: E\n    properties:\n      last_known_state: string\n",
			`t.yaml:4:7: execution type "E": property "last_known_state" maps to Go name LastKnownState, which is the common field LastKnownState of every execution; set go_name`},
		{"property is ExternalID", "context_types:\n  - name: C\n    properties:\n      external-id: string\n",
			`t.yaml:4:7: context type "C": property "external-id" maps to Go name ExternalID, which is the common field ExternalID of every context; set go_name`},
		{"property is CustomProperties", "context_types:\n  - name: C\n    properties:\n      custom_properties: struct\n",
			`t.yaml:4:7: context type "C": property "custom_properties" maps to Go name CustomProperties, which is the common field CustomProperties of every context; set go_name`},
		{"property is a time", "artifact_types:\n  - name: A\n    properties:\n      create_time_since_epoch: int\n",
			`t.yaml:4:7: artifact type "A": property "create_time_since_epoch" maps to Go name CreateTimeSinceEpoch, which is the common field CreateTimeSinceEpoch of every artifact; set go_name`},
		{"properties collide", "artifact_types:\n  - name: A\n    properties:\n      my_prop: int\n      my-prop: int\n",
			`t.yaml:5:7: artifact type "A": property "my-prop" and property "my_prop" (t.yaml:4:7) both map to Go name MyProp; set go_name on one of them`},
		{"property go_name collides", "artifact_types:\n  - name: A\n    properties:\n      size: int\n      bytes: {type: int, go_name: Size}\n",
			`t.yaml:5:7: artifact type "A": property "bytes" and property "size" (t.yaml:4:7) both map to Go name Size; set go_name on one of them`},
		{"property without letters", "artifact_types:\n  - name: A\n    properties:\n      '+': int\n",
			`t.yaml:4:7: artifact type "A": property "+" gives no Go name (it has no letter or digit); set go_name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := ParseYAML("t.yaml", []byte(tc.in))
			if err == nil {
				_, err = Generate(spec, Options{Package: "p"})
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tc.want)
			}
		})
	}
}

// TestSpecErrors checks Specs built in Go (as FromStore builds them): no
// positions in the messages.
func TestSpecErrors(t *testing.T) {
	art := func(name string, props ...*PropertyDecl) *TypeDecl {
		return &TypeDecl{Kind: mlmd.KindArtifact, Name: name, Properties: props}
	}
	prop := func(name string, pt mlmd.PropertyType) *PropertyDecl { return &PropertyDecl{Name: name, Type: pt} }
	for _, tc := range []struct {
		name string
		spec *Spec
		opts Options
		want string
	}{
		{"nil spec", nil, Options{Package: "p"}, "no types declared"},
		{"no types", &Spec{}, Options{Package: "p"}, "no types declared"},
		{"bad package", &Spec{Types: []*TypeDecl{art("A")}}, Options{Package: "my-pkg"}, `package name "my-pkg" is not a Go identifier`},
		{"blank package", &Spec{Types: []*TypeDecl{art("A")}}, Options{Package: "_"}, `package name "_" is not a Go identifier`},
		{"collision", &Spec{Types: []*TypeDecl{art("a.b"), art("a_b")}}, Options{Package: "p"},
			`artifact type "a_b" and artifact type "a.b" both map to Go name AB; set go_name on one of them`},
		{"unknown property type", &Spec{Types: []*TypeDecl{art("A", prop("x", mlmd.PropertyUnknown))}}, Options{Package: "p"},
			`artifact type "A": property "x" has property type UNKNOWN (want int, double, string, bool, struct or proto)`},
		{"property twice", &Spec{Types: []*TypeDecl{art("A", prop("x", mlmd.PropertyInt), prop("x", mlmd.PropertyInt))}}, Options{Package: "p"},
			`artifact type "A": property "x" is declared twice`},
		{"no name", &Spec{Types: []*TypeDecl{{Kind: mlmd.KindContext}}}, Options{Package: "p"}, "context type has no name"},
		{"bad kind", &Spec{Types: []*TypeDecl{{Kind: 7, Name: "K"}}}, Options{Package: "p"}, `type "K" has an unknown kind 7`},
		{"context with base", &Spec{Types: []*TypeDecl{{Kind: mlmd.KindContext, Name: "C", ArtifactBase: mlmd.ArtifactBaseModel}}}, Options{Package: "p"},
			`context type "C": context types have no base type`},
		{"artifact with execution base", &Spec{Types: []*TypeDecl{{Kind: mlmd.KindArtifact, Name: "A", ExecutionBase: mlmd.ExecutionBaseTrain}}}, Options{Package: "p"},
			`artifact type "A": an artifact type cannot have an execution base type`},
		{"unknown base", &Spec{Types: []*TypeDecl{{Kind: mlmd.KindExecution, Name: "E", ExecutionBase: 42}}}, Options{Package: "p"},
			`execution type "E": unknown base type 42`},
		{"bad go_name", &Spec{Types: []*TypeDecl{{Kind: mlmd.KindExecution, Name: "E", GoName: "1E"}}}, Options{Package: "p"},
			`execution type "E": go_name "1E" is not an exported Go identifier`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.spec, tc.opts)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tc.want)
			}
		})
	}
}

func TestGoName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"DataSet", "DataSet"},
		{"mlmd.Dataset", "MlmdDataset"},
		{"system.Model", "SystemModel"},
		{"my-type v2", "MyTypeV2"},
		{"my_type", "MyType"},
		{"  padded  ", "Padded"},
		{"model_id", "ModelID"},
		{"modelId", "ModelId"}, // camel case is kept as written
		{"Id", "ID"},
		{"dataset-uri", "DatasetURI"},
		{"http_url", "HTTPURL"},
		{"json", "JSON"},
		{"3d", "X3d"},
		{"2nd-run", "X2ndRun"},
		{"v2", "V2"},
		{"type", "Type"},
		{"func", "Func"},
		{"range", "Range"},
		{"données", "Données"},
		{"éclair", "Éclair"},
		{"größe", "Größe"},
		{"日本語", "X日本語"},
		{"データ_set", "XデータSet"},
		{"Ωmega", "Ωmega"},
		{"a.b.c", "ABC"},
		{"x١٢", "X١٢"}, // Arabic-Indic digits are Go digits
		{"tab\there", "TabHere"},
	} {
		got, ok := GoName(tc.in)
		if !ok || got != tc.want {
			t.Errorf("GoName(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
		if ok && !isExportedIdent(got) {
			t.Errorf("GoName(%q) = %q is not an exported identifier", tc.in, got)
		}
	}
	for _, in := range []string{"", "-", "...", " _ ", "💾"} {
		if got, ok := GoName(in); ok {
			t.Errorf("GoName(%q) = %q, want no name", in, got)
		}
	}
}

func isExportedIdent(s string) bool { return checkGoName(s) == nil && !strings.ContainsAny(s, " .-") }
