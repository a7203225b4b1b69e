"""MLMD's getting-started flow against mlmd-server, with MLMD's own protos.

The requests are those that MLMD's Python MetadataStore sends for each step
of its getting-started guide: register types, record a dataset, a training
run that reads it and a model it writes, group them in an experiment, and
query the result back.
"""

import grpc
import pytest
from google.protobuf import struct_pb2

from ml_metadata.proto import metadata_store_pb2 as mlmd
from ml_metadata.proto import metadata_store_service_pb2 as svc


def put_artifact_type(stub, t, **kw):
    return stub.PutArtifactType(svc.PutArtifactTypeRequest(artifact_type=t, **kw)).type_id


def test_getting_started(stub, unique):
    # Types. all_fields_match is what older clients send explicitly; newer
    # ones leave it at its default (true). Both must work.
    data_type = mlmd.ArtifactType(name="DataSet_" + unique)
    data_type.properties["day"] = mlmd.INT
    data_type.properties["split"] = mlmd.STRING
    data_type_id = put_artifact_type(stub, data_type, all_fields_match=True)
    assert data_type_id > 0
    assert put_artifact_type(stub, data_type) == data_type_id

    trainer_type = mlmd.ExecutionType(name="Trainer_" + unique)
    trainer_type.properties["state"] = mlmd.STRING
    trainer_type_id = stub.PutExecutionType(
        svc.PutExecutionTypeRequest(execution_type=trainer_type, all_fields_match=True)).type_id

    # A dataset artifact.
    data = mlmd.Artifact(uri="path/to/data", type_id=data_type_id)
    data.properties["day"].int_value = 1
    data.properties["split"].string_value = "train"
    [data_id] = stub.PutArtifacts(svc.PutArtifactsRequest(artifacts=[data])).artifact_ids
    assert data_id > 0

    # A run of the trainer that reads it.
    run = mlmd.Execution(type_id=trainer_type_id)
    run.properties["state"].string_value = "RUNNING"
    [run_id] = stub.PutExecutions(svc.PutExecutionsRequest(executions=[run])).execution_ids
    input_event = mlmd.Event(artifact_id=data_id, execution_id=run_id, type=mlmd.Event.DECLARED_INPUT)
    stub.PutEvents(svc.PutEventsRequest(events=[input_event]))

    # The model it writes.
    model_type = mlmd.ArtifactType(name="SavedModel_" + unique)
    model_type.properties["version"] = mlmd.INT
    model_type.properties["name"] = mlmd.STRING
    model_type_id = put_artifact_type(stub, model_type)
    model = mlmd.Artifact(uri="path/to/model/file", type_id=model_type_id)
    model.properties["version"].int_value = 1
    model.properties["name"].string_value = "MNIST-v1"
    [model_id] = stub.PutArtifacts(svc.PutArtifactsRequest(artifacts=[model])).artifact_ids
    output_event = mlmd.Event(artifact_id=model_id, execution_id=run_id, type=mlmd.Event.DECLARED_OUTPUT)
    stub.PutEvents(svc.PutEventsRequest(events=[output_event]))

    # The run completes.
    run.id = run_id
    run.properties["state"].string_value = "COMPLETED"
    assert list(stub.PutExecutions(svc.PutExecutionsRequest(executions=[run])).execution_ids) == [run_id]

    # An experiment groups them.
    exp_type = mlmd.ContextType(name="Experiment_" + unique)
    exp_type.properties["note"] = mlmd.STRING
    exp_type_id = stub.PutContextType(svc.PutContextTypeRequest(context_type=exp_type)).type_id
    exp = mlmd.Context(type_id=exp_type_id, name="exp1")
    exp.properties["note"].string_value = "My first experiment."
    [exp_id] = stub.PutContexts(svc.PutContextsRequest(contexts=[exp])).context_ids
    stub.PutAttributionsAndAssociations(svc.PutAttributionsAndAssociationsRequest(
        attributions=[mlmd.Attribution(artifact_id=model_id, context_id=exp_id)],
        associations=[mlmd.Association(execution_id=run_id, context_id=exp_id)]))

    # Queries.
    names = {t.name for t in stub.GetArtifactTypes(svc.GetArtifactTypesRequest()).artifact_types}
    assert {"DataSet_" + unique, "SavedModel_" + unique} <= names
    assert not any(n.startswith("mlmd.") for n in names), "system types must stay hidden"
    assert "Trainer_" + unique in {t.name for t in stub.GetExecutionTypes(svc.GetExecutionTypesRequest()).execution_types}

    got_type = stub.GetArtifactType(svc.GetArtifactTypeRequest(type_name="DataSet_" + unique)).artifact_type
    assert got_type.id == data_type_id and dict(got_type.properties) == {"day": mlmd.INT, "split": mlmd.STRING}

    datasets = stub.GetArtifactsByType(svc.GetArtifactsByTypeRequest(type_name="DataSet_" + unique)).artifacts
    assert [a.id for a in datasets] == [data_id]
    got = datasets[0]
    assert got.uri == "path/to/data" and got.type == "DataSet_" + unique
    assert got.properties["day"].int_value == 1 and got.properties["split"].string_value == "train"
    assert got.create_time_since_epoch > 0 and got.last_update_time_since_epoch >= got.create_time_since_epoch
    assert not got.HasField("name") and not got.HasField("state"), "unset fields stay unset"

    [by_uri] = stub.GetArtifactsByURI(svc.GetArtifactsByURIRequest(uris=["path/to/model/file"])).artifacts
    assert by_uri.id == model_id and by_uri.properties["name"].string_value == "MNIST-v1"

    events = stub.GetEventsByExecutionIDs(svc.GetEventsByExecutionIDsRequest(execution_ids=[run_id])).events
    assert sorted((e.artifact_id, e.type) for e in events) == sorted(
        [(data_id, mlmd.Event.DECLARED_INPUT), (model_id, mlmd.Event.DECLARED_OUTPUT)])
    # Walk from the model back to its producer and the data it read.
    [producer_event] = stub.GetEventsByArtifactIDs(svc.GetEventsByArtifactIDsRequest(artifact_ids=[model_id])).events
    assert producer_event.execution_id == run_id
    [run_back] = stub.GetExecutionsByID(svc.GetExecutionsByIDRequest(execution_ids=[producer_event.execution_id])).executions
    assert run_back.properties["state"].string_value == "COMPLETED"
    inputs = [e.artifact_id for e in events if e.type == mlmd.Event.DECLARED_INPUT]
    [data_back] = stub.GetArtifactsByID(svc.GetArtifactsByIDRequest(artifact_ids=inputs)).artifacts
    assert data_back.uri == "path/to/data"

    [ctx] = stub.GetContextsByArtifact(svc.GetContextsByArtifactRequest(artifact_id=model_id)).contexts
    assert ctx.id == exp_id and ctx.properties["note"].string_value == "My first experiment."
    assert [c.id for c in stub.GetContextsByExecution(svc.GetContextsByExecutionRequest(execution_id=run_id)).contexts] == [exp_id]
    assert [a.id for a in stub.GetArtifactsByContext(svc.GetArtifactsByContextRequest(context_id=exp_id)).artifacts] == [model_id]
    assert [e.id for e in stub.GetExecutionsByContext(svc.GetExecutionsByContextRequest(context_id=exp_id)).executions] == [run_id]
    by_name = stub.GetContextByTypeAndName(svc.GetContextByTypeAndNameRequest(type_name="Experiment_" + unique, context_name="exp1"))
    assert by_name.HasField("context") and by_name.context.id == exp_id


def test_put_execution_and_types_with_artifacts(stub, unique):
    """PutExecution in one call, and GetArtifactsByID with its types."""
    t = mlmd.ArtifactType(name="Examples_" + unique)
    t_id = put_artifact_type(stub, t)
    e_id = stub.PutExecutionType(svc.PutExecutionTypeRequest(
        execution_type=mlmd.ExecutionType(name="Transform_" + unique))).type_id
    c_id = stub.PutContextType(svc.PutContextTypeRequest(context_type=mlmd.ContextType(name="Run_" + unique))).type_id
    outputs = struct_pb2.Struct()
    outputs.update({"rows": 10, "columns": ["a", "b"]})
    execution = mlmd.Execution(type_id=e_id, last_known_state=mlmd.Execution.COMPLETE)
    execution.custom_properties["outputs"].struct_value.CopyFrom(outputs)
    res = stub.PutExecution(svc.PutExecutionRequest(
        execution=execution,
        artifact_event_pairs=[svc.PutExecutionRequest.ArtifactAndEvent(
            artifact=mlmd.Artifact(type_id=t_id, uri="gs://out/" + unique),
            event=mlmd.Event(type=mlmd.Event.OUTPUT))],
        contexts=[mlmd.Context(type_id=c_id, name="run-" + unique)]))
    assert res.execution_id > 0 and len(res.artifact_ids) == 1 and len(res.context_ids) == 1

    got = stub.GetArtifactsByID(svc.GetArtifactsByIDRequest(artifact_ids=list(res.artifact_ids), populate_artifact_types=True))
    assert [a.uri for a in got.artifacts] == ["gs://out/" + unique]
    assert [t.name for t in got.artifact_types] == ["Examples_" + unique]
    [e] = stub.GetExecutionsByID(svc.GetExecutionsByIDRequest(execution_ids=[res.execution_id])).executions
    assert e.custom_properties["outputs"].struct_value == outputs
    assert e.last_known_state == mlmd.Execution.COMPLETE


def test_error_codes(stub, unique):
    t = mlmd.ArtifactType(name="Strict_" + unique)
    t.properties["p"] = mlmd.INT
    put_artifact_type(stub, t)
    changed = mlmd.ArtifactType(name="Strict_" + unique)
    changed.properties["p"] = mlmd.STRING
    with pytest.raises(grpc.RpcError) as err:
        put_artifact_type(stub, changed)
    assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS

    with pytest.raises(grpc.RpcError) as err:
        put_artifact_type(stub, t, all_fields_match=False)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED

    with pytest.raises(grpc.RpcError) as err:
        stub.GetArtifactType(svc.GetArtifactTypeRequest(type_name="Missing_" + unique))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND

    with pytest.raises(grpc.RpcError) as err:
        stub.GetArtifacts(svc.GetArtifactsRequest(options=mlmd.ListOperationOptions(max_result_size=0)))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    # Missing nodes by type and name: OK and empty.
    res = stub.GetContextByTypeAndName(svc.GetContextByTypeAndNameRequest(type_name="NoType_" + unique, context_name="x"))
    assert not res.HasField("context")


def test_paging(stub, unique):
    t_id = put_artifact_type(stub, mlmd.ArtifactType(name="Paged_" + unique))
    ids = stub.PutArtifacts(svc.PutArtifactsRequest(
        artifacts=[mlmd.Artifact(type_id=t_id, uri="u%d" % i) for i in range(7)])).artifact_ids
    seen = []
    opts = mlmd.ListOperationOptions(max_result_size=3)
    opts.order_by_field.field = mlmd.ListOperationOptions.OrderByField.ID
    opts.order_by_field.is_asc = True
    pages = 0
    while True:
        res = stub.GetArtifactsByType(svc.GetArtifactsByTypeRequest(type_name="Paged_" + unique, options=opts))
        pages += 1
        seen.extend(a.id for a in res.artifacts)
        if not res.next_page_token:
            break
        opts.next_page_token = res.next_page_token
    assert seen == list(ids)
    assert pages == 3
