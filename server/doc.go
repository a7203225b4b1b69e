// Package server implements MLMD's gRPC API, ml_metadata.MetadataStoreService,
// over a gomlmd store (*mlmd.Store), so that MLMD's clients - the Python
// MetadataStore, TFX, Kubeflow Pipelines - work against gomlmd unchanged.
// Command mlmd-server wraps it with MLMD's command line.
//
//	store, _ := mlmd.Open(ctx, "sqlite", "file:mlmd.db", nil)
//	srv := server.NewGRPCServer(server.New(store), nil)
//	lis, _ := net.Listen("tcp", ":8080")
//	err := srv.Serve(ctx, lis, 30*time.Second) // until ctx is done
//
// Service holds the 52 methods; each converts its request (convert.go is the
// only place that knows both the protobuf messages and the mlmd types),
// calls the store, and converts the answer. NewGRPCServer adds the standard
// health service, server reflection, one log line per call (with the code
// its client received, also for requests that could not be decoded or were
// too large), Prometheus metrics (Metrics), panic recovery, message size
// limits, and per-call limits (Limits) that are checked in a request's raw
// bytes before it is decoded.
//
// A server can start before its store: New(nil) answers Unavailable and
// reports NOT_SERVING until Service.SetStore; Server.WatchHealth then keeps
// the health of the MLMD service in step with the database.
//
// # Errors
//
// Errors of package mlmd carry codes numbered as gRPC's; GRPCCode is the one
// table that maps them (an error without a code becomes Internal). The
// server keeps the answers MLMD's clients depend on: Get*ByTypeAndName
// answer OK with no node when the type or the node is missing, Get*Type
// answers NotFound, racing creates answer AlreadyExists, all_fields_match =
// false answers Unimplemented, and a ListOperationOptions with
// max_result_size <= 0 answers InvalidArgument.
//
// Clients get errcode.Message of an error: the messages of gomlmd's own
// errors, never the text of a database driver's error (SQL, host names,
// schema names), which stays in the call's log line.
//
// # Concurrency
//
// A Service is safe for concurrent use; every call is one or more store
// transactions (PutExecution and PutLineageSubgraph are each exactly one),
// so a call that fails writes nothing.
package server
