// Package mlmdgen generates typed Go wrappers for MLMD types: the library
// behind cmd/mlmd-gen.
//
// The input is a Spec: a list of artifact, execution and context types with
// their properties. A Spec is read from a declaration file (ParseYAML) or
// from the types registered in a live store (FromStore). Generate turns it
// into one gofmt'd Go source file; the same Spec always gives the same
// bytes.
//
// # Declaration files
//
// A declaration file is YAML with up to three lists:
//
//	artifact_types:
//	  - name: DataSet              # required: the MLMD type name, any string
//	    version: v1                # optional
//	    description: Daily data.   # optional
//	    base_type: DATASET         # optional: DATASET, MODEL, METRICS, STATISTICS
//	    external_id: ds-1          # optional
//	    go_name: Data              # optional: the Go name, when the derived one does not suit
//	    properties:
//	      day: int                 # int, double, string, bool, struct or proto
//	      split: string
//	      name: {type: string, go_name: DataName}   # long form
//	      score: {type: double, optional: true}     # *float64: nil means unset
//	execution_types:
//	  - name: Trainer
//	    base_type: TRAIN           # TRAIN, TRANSFORM, PROCESS, EVALUATE, DEPLOY
//	context_types:
//	  - name: Experiment           # context types have no base type
//
// Property types are case-insensitive and MLMD's spellings (INT, DOUBLE,
// STRING, BOOLEAN, STRUCT, PROTO) work too; base types may also be written
// as MLMD's system type names (mlmd.Dataset, mlmd.Train, ...). Unknown keys
// are errors, so typos do not pass silently.
//
// # Go names
//
// Each type becomes a struct named after the type and a handle named after
// the type plus "Type"; each property becomes a field. GoName derives the
// names: the name is cut into words at every character that is neither a
// letter nor a digit, each word is capitalised (words such as "id", "uri"
// or "json" become ID, URI, JSON), and the words are joined; a result that
// would not be exported gets an "X" in front. So "mlmd.Dataset" becomes
// MlmdDataset, "my-type v2" MyTypeV2, "model_id" ModelID and "3d" X3d.
// Two names that give the same Go name, or a name that gives a Go name the
// wrappers already use (a common field such as Name or ID, or the
// top-level Types, Register and Lookup), are errors that name both; set
// go_name on one of them.
//
// # Generated code
//
// For an artifact type DataSet the output has:
//
//   - type DataSet struct: ID, Name, URI, ExternalID, State, one field per
//     property, CustomProperties and the store's create and update times.
//     Executions have LastKnownState in place of URI and State, contexts
//     neither.
//   - type DataSetType: the type in one store. Its methods convert
//     (ToArtifact, FromArtifact), write (Put), read (Get, GetByName, List,
//     ByContext) and follow events (InputsOf, OutputsOf). Execution handles
//     record events (Input, Output) and find executions by artifact
//     (ConsumersOf, ProducersOf); context handles link nodes (Attribute,
//     Associate) and find contexts by node (ByArtifact, ByExecution).
//   - type Types, with one handle per declared type, returned by Register
//     (which registers every declared type, adding declared properties the
//     stored type lacks) and by Lookup (which only reads).
//
// The generated code keeps no package-level state: a Types value belongs to
// one store, and any number of them, for any number of stores, can be used
// at once from any number of goroutines.
package mlmdgen
